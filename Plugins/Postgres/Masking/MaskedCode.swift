/// Whether code stored in the database (a function's or procedure's body, a
/// `DO` block) may read masked data: its calls' results are then treated as
/// computed from masked columns, and on a masked connection such code may
/// not be created or run (``MaskedDataFlow/copyRefusal(_:calls:touchesMaskedData:)``).
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
    /// Languages whose bodies can only reach a table by naming it, or by a
    /// word that ``words(maskedNames:relations:functions:)`` lists.
    static let readableLanguages: Set = ["sql", "plpgsql"]

    /// The words that make a body suspect.
    static func words(maskedNames: Set<String>, relations: Set<String>, functions: Set<String>) -> Set<String> {
        maskedNames.union(relations).union(functions).union(runsSQLText).union(["execute"])
    }

    /// Functions that run SQL given as text, or read a table named in one.
    static let runsSQLText: Set<String> = SQLFunctions.opaque

    /// Prefixes of function families that run SQL given as text.
    static let runsSQLTextPrefixes = SQLFunctions.opaquePrefixes + ["crosstab", "connectby"]

    /// Whether `body`, in `language`, may read masked data: see the type's
    /// documentation. `words` are lowercased; a word that is not a plain
    /// identifier (a quoted relation name with a space) is looked for as text.
    static func mayRead(language: String, body: String, words: Set<String>) -> Bool {
        guard readableLanguages.contains(language.lowercased()) else { return true }
        let text = body.lowercased()
        if text.contains("u&") { return true }
        var token: [UInt8] = []
        func ends() -> Bool {
            defer { token.removeAll(keepingCapacity: true) }
            guard !token.isEmpty else { return false }
            let word = String(decoding: token, as: UTF8.self)
            return words.contains(word) || runsSQLTextPrefixes.contains(where: word.hasPrefix)
        }
        for byte in text.utf8 {
            if isIdentifierByte(byte) {
                token.append(byte)
            } else if ends() {
                return true
            }
        }
        if ends() { return true }
        return words.contains { word in !word.utf8.allSatisfy(isIdentifierByte) && text.contains(word) }
    }

    /// The names of the functions that may read masked data: those whose
    /// bodies do, and those that call one (a function's body naming another
    /// function is a word like any other), until no more are found.
    static func maskedFunctions(_ functions: [SourceCatalog.Function], words: Set<String>) -> Set<String> {
        var found: Set<String> = []
        var remaining = functions
        while true {
            let suspect = words.union(found)
            let newly = remaining.filter { mayRead(language: $0.language, body: $0.definition, words: suspect) }
            guard !newly.isEmpty else { return found }
            found.formUnion(newly.map(\.name))
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
