import Foundation
import Testing

/// `warden replay` prints a finished session back: its statements in order,
/// their verdicts, and the rows psql received through the gateway.
@Suite(.ownThreads) struct ReplayTests {
    @Test func replayShowsAFinishedSessionsStatementsAndResultsInOrder() async throws {
        let gateway = try GatewayProcess(postgres: try await PostgresServer.shared())
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        // One psql session; the temporary table keeps the shared database unchanged.
        let statements = [
            "SELECT id, name, city FROM customers WHERE id <= 2 ORDER BY id",
            "CREATE TEMP TABLE notes (id int, body text)",
            "INSERT INTO notes VALUES (1, 'first'), (2, NULL)",
            "SELECT * FROM no_such_table",
            "SELECT id, body FROM notes ORDER BY id",
        ]
        let psql = try Command.run("psql", [gateway.connectionString(), "-X", "-w"] + statements.flatMap { ["-c", $0] },
                                   environment: ["PGPASSWORD": token])
        #expect(psql.stderr.contains("relation \"no_such_table\" does not exist"), "\(psql.output)")
        // Graceful shutdown writes every pending record.
        #expect(gateway.stop() == 0, "\(gateway.logs)")

        let list = try gateway.warden(["sessions", "list"])
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains("alice") }, "\(list.output)")
        let id = String(line.split(separator: " ")[0])

        let replay = try gateway.warden(["replay", id])
        #expect(replay.status == 0, "\(replay.stderr)")
        let output = replay.stdout
        #expect(output.contains("session     \(id)"))
        #expect(output.contains("who         alice (analysts)"))
        #expect(output.contains("connection  orders"))

        // Every statement appears, in the order it ran, each with its offset and verdict.
        let positions = try statements.map { statement in
            try #require(output.range(of: statement), "\(statement) missing from:\n\(output)").lowerBound
        }
        #expect(positions == positions.sorted(), "\(output)")
        for (index, _) in statements.enumerated() {
            #expect(output.range(of: #"#\#(index + 1)  \+\d+\.\d{3}s  allowed"#, options: .regularExpression) != nil, "\(output)")
        }

        // The rows psql received, as tables, under the statement that returned them.
        #expect(output.contains("""
                 id |     name     |   city
                ----+--------------+----------
                 1  | Ada Lovelace | London
                 2  | Grace Hopper | New York
                (2 rows)
                SELECT 2 ·
            """), "\(output)")
        #expect(output.contains("    INSERT 0 2 ·"), "\(output)")
        #expect(output.contains("    ERROR 42P01: relation \"no_such_table\" does not exist ·"), "\(output)")
        #expect(output.contains("""
                 id | body
                ----+-------
                 1  | first
                 2  |
                (2 rows)
            """), "\(output)")
    }
}
