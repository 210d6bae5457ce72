import WardenHTTPCore

/// A query string read as the API server reads it: Go's `url.ParseQuery`.
/// Pairs split at `&`, each at its first `=`; `+` is a space and `%XX` a
/// byte. Go drops a pair that holds a `;` or a bad escape; Warden refuses
/// the request instead, so that no part of a query it forwards goes unread.
struct GoQuery: Equatable, Sendable {
    private(set) var pairs: [(key: String, value: String)] = []

    init(_ query: String?) throws(HTTPInputError) {
        guard let query else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard !pair.contains(";") else { throw HTTPInputError("the query holds a ';', which the API server would ignore") }
            let equals = pair.firstIndex(of: "=")
            let key = try Self.unescape(pair[..<(equals ?? pair.endIndex)])
            let value = try equals.map { index throws(HTTPInputError) in try Self.unescape(pair[pair.index(after: index)...]) } ?? ""
            pairs.append((key, value))
        }
    }

    /// Every value of `key`, in order.
    func values(_ key: String) -> [String] {
        pairs.filter { $0.key == key }.map(\.value)
    }

    /// The first value of `key`: what Go's `Get`, and the API server's parameter decoding, read.
    func first(_ key: String) -> String? {
        pairs.first { $0.key == key }?.value
    }

    /// A boolean parameter as the API server converts it: absent is false,
    /// the first value `0` or `false` (any case) is false, anything else,
    /// the empty string included, is true.
    func flag(_ key: String) -> Bool {
        guard let value = first(key) else { return false }
        return value != "0" && value.lowercased() != "false"
    }

    static func == (lhs: GoQuery, rhs: GoQuery) -> Bool {
        lhs.pairs.map(\.key) == rhs.pairs.map(\.key) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    private static func unescape(_ text: Substring) throws(HTTPInputError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(HexDigit.value), let low = iterator.next().flatMap(HexDigit.value) else {
                    throw HTTPInputError("the query holds a % that does not start a valid escape")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
