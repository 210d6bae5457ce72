import Hummingbird

/// Reads what a request sends, strictly, so that no parameter can be read
/// two ways (by a proxy in front and by the gateway) and no value can reach
/// the store or a clock unchecked. Every refusal is a 400 that names the
/// parameter and what was expected.
enum AdminInput {
    /// The longest id in a path: gateway ids are 12 or 16 hex digits.
    static let maximumIDLength = 64

    /// The query parameters of `request`, each at most once and each one of
    /// `allowed`: a typo (`?sinse=1h`) or a second value (`?limit=1&limit=9`)
    /// is refused rather than silently ignored.
    ///
    /// Names are compared exactly as sent (Hummingbird does not decode them):
    /// `%6Cimit` is not `limit`, so it is refused as unknown.
    static func query(_ request: Request, allowed: Set<String>) throws -> [String: String] {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            if name.isEmpty && value.isEmpty { continue }  // `?` alone, or `a=1&&b=2`
            guard allowed.contains(name) else {
                let known = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
                throw AdminError.badRequest("unknown query parameter \(quoted(name)); this endpoint takes: \(known)")
            }
            guard values[name] == nil else {
                throw AdminError.badRequest("\(name): given more than once; send it once")
            }
            values[name] = String(value)
        }
        return values
    }

    /// A whole number from `range`, written in ASCII digits only (no sign,
    /// no spaces, no `0x`), or nil when absent.
    static func wholeNumber(_ name: String, _ text: String?, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text else { return nil }
        let digits = text.utf8
        guard !digits.isEmpty, digits.count <= 19, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = Int64(text), range.contains(value)
        else {
            throw AdminError.badRequest("\(name): expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(quoted(text))")
        }
        return value
    }

    /// The path parameter `id`: 1 to ``maximumIDLength`` letters, digits, `-`
    /// or `_`. Anything else cannot name a session or an approval, and is
    /// refused before it reaches the store or an error message.
    static func id(_ context: AdminRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard (1...maximumIDLength).contains(id.utf8.count), id.utf8.allSatisfy(isIDByte) else {
            throw AdminError.badRequest(
                "id: expected 1 to \(maximumIDLength) letters, digits, '-' or '_', found \(quoted(id))")
        }
        return id
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// What a client sent, for an error message: in quotes, control
    /// characters escaped, and at most 64 characters, so that an answer can
    /// neither grow with the request nor carry terminal escapes.
    static func quoted(_ text: some StringProtocol, limit: Int = 64) -> String {
        var shown = ""
        for (index, scalar) in text.unicodeScalars.enumerated() {
            guard index < limit else {
                shown += "…"
                break
            }
            let category = scalar.properties.generalCategory
            // Control and format characters (escapes, bidi overrides) are shown, not obeyed.
            shown += category == .control || category == .format || scalar == "'"
                ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return "'\(shown)'"
    }
}
