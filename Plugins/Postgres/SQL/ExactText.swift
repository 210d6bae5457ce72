/// A text compared byte for byte, as PostgreSQL compares statement texts and
/// names. Swift's `String` equality is Unicode canonical equivalence: U+037E
/// GREEK QUESTION MARK equals `;`, and `≠` equals `=` followed by U+0338, so
/// two texts PostgreSQL reads differently would share a cache entry or a
/// statement name if they were keyed by `String`.
struct ExactText: Hashable, Sendable {
    let bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }
}
