import Foundation
import WardenPostgres

/// What classifying a statement costs the Postgres plugin, per statement:
/// the first time its shape is seen (PostgreSQL's parser, the parse tree as
/// JSON, the analysis) and afterwards (normalizing it, one look-up in the
/// plugin-wide shape cache). Run by `scripts/bench`; build with `-c release`.
@main
struct ClassifierBench {
    static let statements: [(name: String, sql: String)] = [
        ("pgbench -S select", "SELECT abalance FROM pgbench_accounts WHERE aid = 48213;"),
        ("pgbench TPC-B update", "UPDATE pgbench_accounts SET abalance = abalance + -2841 WHERE aid = 7201;"),
        ("pgbench TPC-B insert",
         "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (7, 1, 7201, -2841, CURRENT_TIMESTAMP);"),
        ("join with a CTE", """
            WITH recent AS (SELECT customer_id, sum(amount) AS total FROM payments WHERE created > now() - interval '7 days' \
            GROUP BY customer_id) SELECT c.name, r.total FROM customers c JOIN recent r ON r.customer_id = c.id \
            WHERE c.region = 'eu' ORDER BY r.total DESC LIMIT 20
            """),
        ("10 KB insert", "INSERT INTO t (a, b) VALUES " + (1...400).map { "(\($0), 'value \($0)')" }.joined(separator: ", ")),
    ]

    static func main() {
        let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
        if CommandLine.arguments.contains("--parts") {
            let sql = statements.last!.sql
            print("parse+json", microseconds(iterations: 200) { _ = PostgresParser.parse(sql) })
            print("normalize", microseconds(iterations: 200) { _ = PostgresParser.normalize(sql) })
            print("classify", microseconds(iterations: 200) { _ = SQLClassifier.classify(sql) })
        }
        print("statement                  bytes   first sight µs   same shape µs")
        for (name, sql) in statements {
            let first = microseconds(iterations: max(iterations / 10, 100)) { _ = SQLClassifier.classify(sql) }
            let shapes = StatementShapes()
            _ = shapes.classification(of: sql)
            let again = microseconds(iterations: iterations) { _ = shapes.classification(of: sql) }
            print(name.padding(toLength: 24, withPad: " ", startingAt: 0),
                  String(format: "%7d %16.1f %15.1f", sql.utf8.count, first, again))
        }
    }

    static func microseconds(iterations: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<iterations { body() } }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds / Double(iterations) * 1e6
    }
}
