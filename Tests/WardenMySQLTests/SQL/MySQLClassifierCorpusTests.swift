import Testing
import WardenSQLCore

@testable import WardenMySQLCore

@Suite("MySQL classifier corpus")
struct MySQLClassifierCorpusTests {
    @Test("classifies every corpus statement", arguments: MySQLClassifierCorpus.cases)
    func classifies(_ entry: MySQLCorpusCase) {
        let result = MySQLClassifier.classify(entry.text, syntax: entry.syntax)
        let reasons = result.statements.map(\.reason)
        #expect(result.classification == entry.expectedClass, "\(reasons)")
        #expect(result.risk == entry.expectedRisk, "\(reasons)")
        #expect((result.refusal != nil) == entry.refused, "\(result.refusal ?? "not refused")")
        if let commands = entry.commands {
            #expect(result.statements.map(\.command) == commands)
        }
        if let targets = entry.targets {
            #expect(result.targets == targets)
        }
    }

    @Test func corpusIsLargeAndCoversEveryClass() {
        #expect(MySQLClassifierCorpus.cases.count >= 150)
        let classes = Set(MySQLClassifierCorpus.cases.map(\.expectedClass))
        #expect(classes == Set(StatementClass.allCases))
    }
}
