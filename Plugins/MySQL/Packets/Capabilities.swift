/// The client/server capability flags of the handshake.
struct Capabilities: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let longPassword = Capabilities(rawValue: 1 << 0)
    static let foundRows = Capabilities(rawValue: 1 << 1)
    static let longFlag = Capabilities(rawValue: 1 << 2)
    static let connectWithDatabase = Capabilities(rawValue: 1 << 3)
    static let noSchema = Capabilities(rawValue: 1 << 4)
    static let compress = Capabilities(rawValue: 1 << 5)
    static let odbc = Capabilities(rawValue: 1 << 6)
    static let localFiles = Capabilities(rawValue: 1 << 7)
    static let ignoreSpace = Capabilities(rawValue: 1 << 8)
    static let protocol41 = Capabilities(rawValue: 1 << 9)
    static let interactive = Capabilities(rawValue: 1 << 10)
    static let ssl = Capabilities(rawValue: 1 << 11)
    static let transactions = Capabilities(rawValue: 1 << 13)
    static let secureConnection = Capabilities(rawValue: 1 << 15)
    static let multiStatements = Capabilities(rawValue: 1 << 16)
    static let multiResults = Capabilities(rawValue: 1 << 17)
    static let psMultiResults = Capabilities(rawValue: 1 << 18)
    static let pluginAuth = Capabilities(rawValue: 1 << 19)
    static let connectAttributes = Capabilities(rawValue: 1 << 20)
    static let pluginAuthLengthEncodedData = Capabilities(rawValue: 1 << 21)
    static let canHandleExpiredPasswords = Capabilities(rawValue: 1 << 22)
    static let sessionTrack = Capabilities(rawValue: 1 << 23)
    static let deprecateEOF = Capabilities(rawValue: 1 << 24)
    static let optionalResultSetMetadata = Capabilities(rawValue: 1 << 25)
    static let zstdCompression = Capabilities(rawValue: 1 << 26)
    static let queryAttributes = Capabilities(rawValue: 1 << 27)
    static let sslVerifyServerCertificate = Capabilities(rawValue: 1 << 30)
    static let rememberOptions = Capabilities(rawValue: 1 << 31)

    /// What the gateway offers clients. Never compression (the gateway must
    /// read every packet), LOCAL INFILE (it reads no file, ever), query
    /// attributes (values beside the text that the classifier would not
    /// see), IGNORE_SPACE (it changes how the server reads function names),
    /// optional metadata (masking needs every column's origin) or the
    /// MariaDB extensions announced in the greeting's spare bytes.
    static let offered: Capabilities = [
        .longPassword, .foundRows, .longFlag, .connectWithDatabase, .protocol41, .interactive, .ssl, .transactions,
        .secureConnection, .multiStatements, .multiResults, .psMultiResults, .pluginAuth, .connectAttributes,
        .pluginAuthLengthEncodedData, .sessionTrack, .deprecateEOF,
    ]

    /// What the gateway needs of an upstream server.
    static let requiredOfUpstream: Capabilities = [.protocol41, .secureConnection, .pluginAuth]
}

/// Server status flags of OK and EOF packets.
struct ServerStatus: OptionSet, Sendable {
    let rawValue: UInt16

    static let inTransaction = ServerStatus(rawValue: 0x0001)
    static let autocommit = ServerStatus(rawValue: 0x0002)
    static let moreResultsExist = ServerStatus(rawValue: 0x0008)
    static let cursorExists = ServerStatus(rawValue: 0x0040)
    static let lastRowSent = ServerStatus(rawValue: 0x0080)
    static let noBackslashEscapes = ServerStatus(rawValue: 0x0200)
    static let sessionStateChanged = ServerStatus(rawValue: 0x4000)
}
