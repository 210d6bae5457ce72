/// Keeping the last characters of a value, as on a card receipt.
enum Partial {
    /// Replaces all but the last `keep` characters with `maskCharacter`,
    /// keeping the length. A value no longer than `keep` is masked entirely:
    /// otherwise `keep: 4` would reveal every short value in full.
    static func keepLast(_ keep: Int, of value: String, maskCharacter: Character) -> String {
        let count = value.count
        guard count > keep else { return String(repeating: maskCharacter, count: count) }
        return String(repeating: maskCharacter, count: count - keep) + value.suffix(keep)
    }
}
