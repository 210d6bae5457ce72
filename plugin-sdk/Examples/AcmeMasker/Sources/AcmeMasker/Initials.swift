/// A name's initials: `Ada Lovelace` → `A. L.`.
///
/// Words are separated by white space; each word gives its first letter,
/// upper-cased and followed by a dot. A word without letters (`42`, `&`)
/// gives nothing, so the result holds only letters, dots and `separator`.
enum Initials {
    static func of(_ name: String, separator: String = " ") -> String {
        name.split(whereSeparator: \.isWhitespace)
            .compactMap { word in word.first(where: \.isLetter) }
            .map { "\($0.uppercased())." }
            .joined(separator: separator)
    }
}
