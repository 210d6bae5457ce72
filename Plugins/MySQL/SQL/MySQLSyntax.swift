/// How the server reads text on this connection: the parts of `@@sql_mode`
/// that change where a quoted string, a quoted name or a statement ends.
///
/// Warden reads every statement with the connection's syntax and refuses
/// any `sql_mode` change that would alter it (see ``MySQLPinnedSettings``),
/// so that its reading and the server's stay the same.
package struct MySQLSyntax: Sendable, Equatable {
    /// `ANSI_QUOTES`: `"` quotes identifiers rather than strings.
    package var ansiQuotes: Bool
    /// `NO_BACKSLASH_ESCAPES`: `\` is an ordinary character in strings.
    package var noBackslashEscapes: Bool
    /// `MSSQL`: `[name]` quotes an identifier, and may hide a `;` or a quote.
    package var bracketQuotes = false
    /// `ORACLE`: MariaDB parses with its Oracle grammar, where `BEGIN` and
    /// `DECLARE` start anonymous blocks.
    package var oracleGrammar = false

    package init(ansiQuotes: Bool = false, noBackslashEscapes: Bool = false) {
        self.ansiQuotes = ansiQuotes
        self.noBackslashEscapes = noBackslashEscapes
    }

    /// From a `@@sql_mode` value such as `"STRICT_TRANS_TABLES,ANSI_QUOTES"`,
    /// in any letter case; combination modes (`ANSI`, `ORACLE`, `MSSQL`,
    /// `DB2`, `POSTGRESQL`, `MAXDB`) count with the modes they include.
    package init(sqlMode: String) {
        self.init()
        for name in sqlMode.split(separator: ",") {
            apply(mode: name.uppercased())
        }
    }

    /// The modes a `SET sql_mode` value names, or nil when the server would
    /// not accept it as written (an unknown name, a space around a name).
    static func parse(modeList value: [UInt8]) -> MySQLSyntax? {
        var syntax = MySQLSyntax()
        for name in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            let upper = String(decoding: name, as: UTF8.self).uppercased()
            guard knownModes.contains(upper) else { return nil }
            syntax.apply(mode: upper)
        }
        return syntax
    }

    /// The modes of a numeric `SET sql_mode = N`: a bit set, in the order
    /// MariaDB 10.11 lists its modes; nil when a bit names no mode.
    static func parse(modeBits: UInt64) -> MySQLSyntax? {
        guard modeBits >> UInt64(knownModeBits.count) == 0 else { return nil }
        var syntax = MySQLSyntax()
        for (bit, name) in knownModeBits.enumerated() where modeBits & (1 << UInt64(bit)) != 0 {
            syntax.apply(mode: name)
        }
        return syntax
    }

    private mutating func apply(mode: String) {
        switch mode {
        case "ANSI_QUOTES", "ANSI", "DB2", "MAXDB", "POSTGRESQL":
            ansiQuotes = true
        case "MSSQL":
            ansiQuotes = true
            bracketQuotes = true
        case "ORACLE":
            ansiQuotes = true
            oracleGrammar = true
        case "NO_BACKSLASH_ESCAPES":
            noBackslashEscapes = true
        default:
            break
        }
    }

    /// MariaDB 10.11's modes, bit 0 first (`sql_mode_names` in sys_vars.cc).
    static let knownModeBits = [
        "REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE", "IGNORE_BAD_TABLE_OPTIONS",
        "ONLY_FULL_GROUP_BY", "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE", "POSTGRESQL", "ORACLE", "MSSQL", "DB2",
        "MAXDB", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS", "MYSQL323", "MYSQL40", "ANSI",
        "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES",
        "NO_ZERO_IN_DATE", "NO_ZERO_DATE", "ALLOW_INVALID_DATES", "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL",
        "NO_AUTO_CREATE_USER", "HIGH_NOT_PRECEDENCE", "NO_ENGINE_SUBSTITUTION", "PAD_CHAR_TO_FULL_LENGTH",
        "EMPTY_STRING_IS_NULL", "SIMULTANEOUS_ASSIGNMENT", "TIME_ROUND_FRACTIONAL",
    ]

    static let knownModes = Set(knownModeBits)
}
