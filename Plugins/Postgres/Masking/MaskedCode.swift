/// Whether code stored in the database (a function's or procedure's body, a
/// `DO` block) may read masked data. A function that names masked data has
/// its results redacted like any value computed from it; one that runs SQL
/// Warden cannot see is not called on a masked connection; and a `DO` block
/// or a new function that may read masked data is neither run nor created
/// there (``MaskedDataFlow/copyRefusal(_:calls:touchesMaskedData:)``).
///
/// A body is text in a language PostgreSQL runs, not a statement Warden can
/// follow column by column, so it is read for words: it may read masked data
/// when it names a masked column, a relation or function that holds or
/// returns masked data, or can run SQL built at run time (plpgsql's
/// `EXECUTE`, `query_to_xml`, `dblink`), or writes identifiers in the `U&`
/// form, which spells any name without its letters. Only SQL and PL/pgSQL
/// are read at all: Python, Perl, Tcl and the rest build and run SQL as
/// strings with their own calls, so a body in them always may.
enum MaskedCode {
    /// Languages whose bodies can only reach a table by naming it, or by
    /// running SQL text with a word ``reading(language:body:words:)`` knows.
    static let readableLanguages: Set = ["sql", "plpgsql"]

    /// What a body may do with masked data.
    enum Reading: Int, Comparable, Sendable {
        case nothing
        /// It names masked data (or spells a name in the `U&` form): its
        /// results are redacted, like any value computed from masked data.
        case maskedData
        /// It runs SQL that is not in its text (`EXECUTE`, `query_to_xml`,
        /// `dblink`), or is in a language Warden does not read: like
        /// `query_to_xml` itself, it could read or copy anything, so on a
        /// masked connection it is not called at all.
        case unseenSQL

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The words that make a body name masked data: the masked names, and
    /// the relations and functions that hold or return masked data.
    static func words(maskedNames: Set<String>, relations: Set<String>, functions: Set<String>) -> Set<String> {
        maskedNames.union(relations).union(functions)
    }

    /// Functions that run SQL given as text, or read a table named in one.
    static let runsSQLText: Set<String> = SQLFunctions.opaque

    /// Prefixes of function families that run SQL given as text.
    static let runsSQLTextPrefixes = SQLFunctions.opaquePrefixes + ["crosstab", "connectby"]

    /// What `body`, in `language`, may do with masked data: see the type's
    /// documentation. `words` are lowercased; a word that is not a plain
    /// identifier (a quoted relation name with a space) is looked for as text.
    static func reading(language: String, body: String, words: Set<String>) -> Reading {
        guard readableLanguages.contains(language.lowercased()) else { return .unseenSQL }
        let text = body.lowercased()
        var found: Reading = text.contains("u&") ? .maskedData : .nothing
        var token: [UInt8] = []
        func end() {
            defer { token.removeAll(keepingCapacity: true) }
            guard !token.isEmpty else { return }
            let word = String(decoding: token, as: UTF8.self)
            if word == "execute" || runsSQLText.contains(word) || runsSQLTextPrefixes.contains(where: word.hasPrefix) {
                found = .unseenSQL
            } else if words.contains(word) {
                found = max(found, .maskedData)
            }
        }
        for byte in text.utf8 {
            if isIdentifierByte(byte) {
                token.append(byte)
            } else {
                end()
                if found == .unseenSQL { return found }
            }
        }
        end()
        if found == .nothing, words.contains(where: { !$0.utf8.allSatisfy(isIdentifierByte) && text.contains($0) }) {
            found = .maskedData
        }
        return found
    }

    /// Whether `body` may read masked data in any way.
    static func mayRead(language: String, body: String, words: Set<String>) -> Bool {
        reading(language: language, body: body, words: words) != .nothing
    }

    /// The functions that may return masked data: those whose bodies name
    /// it, run SQL unseen, or call such a function (a function's name in
    /// another's body is a word like any other), until no more are found;
    /// and, among them, those that run SQL unseen.
    static func maskedFunctions(_ functions: [SourceCatalog.Function], words: Set<String>)
        -> (masked: Set<String>, unseenSQL: Set<String>) {
        var found: Set<String> = [], unseen: Set<String> = []
        var remaining = functions
        while true {
            let suspect = words.union(found)
            var newly: [String] = []
            for function in remaining {
                let reading = reading(language: function.language, body: function.definition, words: suspect)
                guard reading != .nothing else { continue }
                newly.append(function.name)
                if reading == .unseenSQL { unseen.insert(function.name) }
            }
            guard !newly.isEmpty else { return (found, unseen) }
            found.formUnion(newly)
            remaining.removeAll { found.contains($0.name) }
        }
    }

    /// Letters, digits, `_`, `$` and any byte of a non-ASCII character, as
    /// PostgreSQL's lexer reads identifiers.
    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == 0x5F || byte == 0x24 || byte >= 0x80
    }
}
