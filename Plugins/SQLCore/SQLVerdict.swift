/// The class, risk and reason the analyzer arrives at for (part of) a statement.
package struct SQLVerdict: Equatable, Sendable {
    package var statementClass: StatementClass
    package var risk: SQLRisk
    package var reason: String

    package init(_ statementClass: StatementClass, risk: SQLRisk? = nil, _ reason: String) {
        self.statementClass = statementClass
        self.risk = risk ?? statementClass.baselineRisk
        self.reason = reason
    }

    package static func read(_ reason: String) -> SQLVerdict { SQLVerdict(.read, reason) }
    package static func unknown(_ reason: String) -> SQLVerdict { SQLVerdict(.unknown, reason) }

    /// The verdict for a statement that does both this and `other`: the
    /// higher class and the higher risk, explained by the more dangerous part.
    package func combined(with other: SQLVerdict) -> SQLVerdict {
        let otherIsWorse = (other.statementClass, other.risk.rawValue) > (statementClass, risk.rawValue)
        var result = otherIsWorse ? other : self
        result.statementClass = max(statementClass, other.statementClass)
        result.risk = max(risk, other.risk)
        return result
    }

    /// The same verdict with its reason prefixed, to say which wrapper
    /// (EXPLAIN ANALYZE, PREPARE, …) carries the inner statement.
    package func explained(by context: String) -> SQLVerdict {
        var result = self
        result.reason = "\(context): \(reason)"
        return result
    }
}
