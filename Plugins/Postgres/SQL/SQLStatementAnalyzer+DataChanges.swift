/// INSERT, UPDATE, DELETE and MERGE: writes, high risk when nothing
/// restricts them to some rows.
extension SQLStatementAnalyzer {
    func classifyDataChange(_ statement: SQLStatement) -> SQLVerdict {
        guard isDataChangeStart(statement, at: 0), let verb = statement.word(0) else {
            return .unknown("malformed \(statement.word(0)?.uppercased() ?? "data change")")
        }
        let verdict: SQLVerdict
        switch verb {
        case "insert": verdict = SQLVerdict(.write, "INSERT adds rows")
        case "merge": verdict = mergeVerdict(statement)
        default: verdict = whereVerdict(statement, verb: verb.uppercased())
        }
        return verdict.combined(with: nestedStatementsVerdict(statement))
    }

    /// UPDATE and DELETE: medium with a WHERE that depends on the rows,
    /// high otherwise. A WHERE inside a subquery restricts nothing, so only
    /// one at the statement's own level counts.
    private func whereVerdict(_ statement: SQLStatement, verb: String) -> SQLVerdict {
        guard let clause = statement.firstWord(in: ["where"], from: 0) else {
            return SQLVerdict(.write, risk: .high, "\(verb) without WHERE affects every row")
        }
        if statement.isWord(clause + 1, "current"), statement.isWord(clause + 2, "of") {
            return SQLVerdict(.write, "\(verb) … WHERE CURRENT OF affects one row")
        }
        let end = statement.firstWord(in: ["returning"], from: clause) ?? statement.count
        if SQLPredicate.isRowIndependent(statement, clause + 1..<end) {
            return SQLVerdict(.write, risk: .high, "\(verb) whose WHERE does not depend on the row affects every row")
        }
        return SQLVerdict(.write, "\(verb) restricted by WHERE")
    }

    /// MERGE is restricted by its join condition the way UPDATE is by WHERE.
    private func mergeVerdict(_ statement: SQLStatement) -> SQLVerdict {
        guard let using = statement.firstWord(in: ["using"], from: 0),
              let on = statement.firstWord(in: ["on"], from: using)
        else { return .unknown("malformed MERGE") }
        let end = statement.firstWord(in: ["when"], from: on) ?? statement.count
        if SQLPredicate.isRowIndependent(statement, on + 1..<end) {
            return SQLVerdict(.write, risk: .high, "MERGE whose join condition does not depend on the rows")
        }
        return SQLVerdict(.write, "MERGE restricted by its join condition")
    }
}
