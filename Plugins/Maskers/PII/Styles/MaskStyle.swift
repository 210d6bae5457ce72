/// How a masker replaces what it masks: a whole value, or one detected span.
///
/// The same style serves both kinds of rule, so `pii.partial` keeps the last
/// characters of a phone column and of a phone number found in free text alike.
enum MaskStyle: Sendable {
    /// Everything becomes `replacement`.
    case redact(replacement: String)
    /// All but the last `keep` characters become `maskCharacter`.
    case partial(keep: Int, maskCharacter: Character)
    /// A keyed digest: equal inputs give equal outputs, so masked columns stay joinable.
    case hash(HMACDigest)
    /// An email address keeps its domain; anything else becomes `replacement`.
    case email(replacement: String)

    /// The masked form of a whole field value.
    func mask(value: String) -> String {
        switch self {
        case .redact(let replacement): replacement
        case .partial(let keep, let maskCharacter): Partial.keepLast(keep, of: value, maskCharacter: maskCharacter)
        case .hash(let digest): digest.token(for: value)
        case .email(let replacement): EmailMask.mask(value, replacement: replacement)
        }
    }

    /// The masked form of a span that a detector of `kind` found.
    func mask(span: String, kind: DetectorKind) -> String {
        switch self {
        case .email(let replacement) where kind != .email: replacement
        default: mask(value: span)
        }
    }
}
