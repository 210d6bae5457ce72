/// Type bytes of the messages Warden reads or writes.
///
/// Frontend and backend reuse letters with different meanings ('D' is Describe
/// from a client but DataRow from a server), hence two namespaces.
enum FrontendMessageType {
    static let query = UInt8(ascii: "Q")
    static let password = UInt8(ascii: "p")  // also SASLInitialResponse / SASLResponse
    static let terminate = UInt8(ascii: "X")
    static let parse = UInt8(ascii: "P")
    static let bind = UInt8(ascii: "B")
    static let describe = UInt8(ascii: "D")
    static let execute = UInt8(ascii: "E")
    static let close = UInt8(ascii: "C")
    static let flush = UInt8(ascii: "H")
    static let sync = UInt8(ascii: "S")
    static let functionCall = UInt8(ascii: "F")
    static let copyData = UInt8(ascii: "d")
    static let copyDone = UInt8(ascii: "c")
    static let copyFail = UInt8(ascii: "f")
}

enum BackendMessageType {
    static let authentication = UInt8(ascii: "R")
    static let backendKeyData = UInt8(ascii: "K")
    static let parameterStatus = UInt8(ascii: "S")
    static let readyForQuery = UInt8(ascii: "Z")
    static let errorResponse = UInt8(ascii: "E")
    static let noticeResponse = UInt8(ascii: "N")
    static let negotiateProtocolVersion = UInt8(ascii: "v")
    static let rowDescription = UInt8(ascii: "T")
    static let dataRow = UInt8(ascii: "D")
    static let commandComplete = UInt8(ascii: "C")
    static let copyOutResponse = UInt8(ascii: "H")
    static let emptyQueryResponse = UInt8(ascii: "I")
    static let portalSuspended = UInt8(ascii: "s")
    static let noData = UInt8(ascii: "n")
    static let parseComplete = UInt8(ascii: "1")
    static let bindComplete = UInt8(ascii: "2")
    static let closeComplete = UInt8(ascii: "3")
    static let notificationResponse = UInt8(ascii: "A")
    static let copyData = UInt8(ascii: "d")
    static let copyDone = UInt8(ascii: "c")
}
