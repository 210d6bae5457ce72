import Foundation

/// The admin API's JSON conventions, shared by the server and the
/// `warden approvals` client: snake_case keys (spelled out in each type's
/// `CodingKeys`, so both sides agree without key strategies) and ISO 8601 dates.
public enum AdminJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The body of every error answer: `{"error": "..."}`.
public struct AdminErrorBody: Codable, Sendable, Equatable {
    public var error: String

    public init(error: String) {
        self.error = error
    }
}
