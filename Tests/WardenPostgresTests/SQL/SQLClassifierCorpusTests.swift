import WardenSQLCore
import Testing
@testable import WardenPostgres

@Suite("SQL classifier corpus")
struct SQLClassifierCorpusTests {
    @Test("classifies every corpus statement", arguments: SQLClassifierCorpus.cases)
    func classifies(_ entry: SQLCorpusCase) {
        let result = SQLClassifier.classify(entry.sql)
        #expect(result.classification == entry.expectedClass, "\(result.statements.map(\.reason))")
        #expect(result.risk == entry.expectedRisk, "\(result.statements.map(\.reason))")
        if let targets = entry.expectedTargets {
            #expect(result.targets == targets)
        }
    }

    @Test func corpusIsLargeAndCoversEveryClass() {
        #expect(SQLClassifierCorpus.cases.count >= 80)
        let classes = Set(SQLClassifierCorpus.cases.map(\.expectedClass))
        #expect(classes == Set(StatementClass.allCases))
    }
}
