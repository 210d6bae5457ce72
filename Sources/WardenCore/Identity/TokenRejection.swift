/// Why a presented token was not accepted.
///
/// The ``message`` is written to be shown to the client as is: it names the
/// failed check (and at most a short, sanitized claim value) but never echoes
/// the token itself.
public struct TokenRejection: Error, CustomStringConvertible, Sendable, Equatable {
    /// The check that failed, for callers that map rejections to protocol errors or metrics.
    public enum Kind: String, Sendable, Equatable {
        case missing
        case malformed
        case algorithmNotAccepted
        case invalidSignature
        case unknownKey
        case expired
        case notYetValid
        case wrongAudience
        case untrustedIssuer
        case missingClaim
        case invalidClaim
        case providerUnavailable
    }

    public let kind: Kind
    /// A clear, client-safe sentence such as "token expired at 2026-01-01T00:00:00Z".
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

extension TokenRejection {
    static let noToken = TokenRejection(.missing, "no token was presented")

    static let invalidSignature = TokenRejection(.invalidSignature, "token signature is not valid")

    static func malformed(_ detail: String) -> TokenRejection {
        TokenRejection(.malformed, "token is malformed: \(detail)")
    }

    static func untrustedIssuer(_ issuer: String) -> TokenRejection {
        TokenRejection(.untrustedIssuer, "token issuer \(quoted(issuer)) is not trusted")
    }

    static func missingClaim(_ name: String, _ meaning: String) -> TokenRejection {
        TokenRejection(.missingClaim, "token has no \(meaning) (\(name))")
    }

    /// Quotes an attacker-controlled value for a message: control characters are
    /// dropped and the length is capped, so a crafted claim cannot forge log lines
    /// or flood an error response.
    static func quoted(_ value: String, limit: Int = 80) -> String {
        let printable = String(String.UnicodeScalarView(value.unicodeScalars.filter {
            !$0.properties.generalCategory.isControlOrFormat
        }))
        let capped = printable.count > limit ? printable.prefix(limit) + "…" : printable
        return "'\(capped)'"
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
