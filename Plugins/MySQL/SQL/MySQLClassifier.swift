import WardenSQLCore

// TEMPORARY stand-in with the classifier's API until the real reader lands
// (the protocol session is built against it); everything is `unknown`.
package struct MySQLSyntax: Sendable, Equatable {
    package var ansiQuotes: Bool
    package var noBackslashEscapes: Bool
    package init(ansiQuotes: Bool = false, noBackslashEscapes: Bool = false) {
        self.ansiQuotes = ansiQuotes
        self.noBackslashEscapes = noBackslashEscapes
    }
    package init(sqlMode: String) {
        let modes = Set(sqlMode.uppercased().split(separator: ",").map(String.init))
        self.init(ansiQuotes: modes.contains("ANSI_QUOTES"), noBackslashEscapes: modes.contains("NO_BACKSLASH_ESCAPES"))
    }
}

package enum MySQLClassifier {
    package static func classify(_ text: [UInt8], syntax: MySQLSyntax) -> SQLClassification {
        let string = String(decoding: text, as: UTF8.self)
        let first = string.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map { $0.uppercased() } ?? ""
        let cls: StatementClass = first == "SELECT" || first == "SHOW" ? .read : (first == "DROP" ? .ddl : .unknown)
        return SQLClassification(statements: [StatementClassification(
            classification: cls, risk: cls.baselineRisk, targets: [], command: first, reason: "stand-in")], normalized: string)
    }
}
