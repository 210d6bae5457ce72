import Foundation

/// The gateway's SQLite store read from outside, with python3's sqlite3,
/// as another tool would: while the gateway runs (WAL readers do not wait
/// for its writes) or after it stopped.
struct StoreFile {
    let path: String

    /// One number: the first column of the first row of `query`.
    func count(_ query: String) throws -> Int {
        let rows = try self.rows(query)
        guard let number = rows.first?.first as? Int else {
            throw TestSetupError("could not count with '\(query)': \(rows)")
        }
        return number
    }

    /// Every row of `query`, each as its columns' values (String, Int, Double or NSNull).
    func rows(_ query: String) throws -> [[Any]] {
        let result = try Command.run("python3", [
            "-c", """
                import json, sqlite3, sys
                print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))
                """,
            path, query,
        ])
        guard result.status == 0,
              let rows = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[Any]]
        else { throw TestSetupError("could not read '\(query)': \(result.output)") }
        return rows
    }

    /// Waits until `query` counts `expected`; the suite's time limit bounds the wait.
    func waitUntil(_ query: String, is expected: Int) throws {
        while try count(query) != expected {
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
