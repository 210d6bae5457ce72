import Foundation

/// A throwaway PostgreSQL server for the test process: its own data
/// directory, a random loopback port, TLS on, started as the `postgres` user
/// when the tests run as root (PostgreSQL refuses to run as root).
///
/// Roles: `app` (SCRAM-SHA-256), `legacy` (md5) and `trusty` (trust); the
/// database `orders` holds sample customers.
final class PostgresServer: Sendable {
    static let appPassword = "app-secret-4f1c"
    static let legacyPassword = "legacy-secret-9d2e"

    let port: Int
    let socketDirectory: String
    /// The server's self-signed certificate (CN=localhost, no IP address).
    var certificateFile: String { "\(socketDirectory)/data/server.crt" }
    private let binaries: String

    /// One server shared by every test in the process, started on first use.
    static func shared() async throws -> PostgresServer {
        try await sharedTask.value
    }

    private static let sharedTask = Task { try PostgresServer.start() }

    private init(port: Int, socketDirectory: String, binaries: String) {
        self.port = port
        self.socketDirectory = socketDirectory
        self.binaries = binaries
    }

    private static func start() throws -> PostgresServer {
        let binaries = try findBinaries()
        let root = try Paths.temporaryDirectory("warden-pg")
        let data = root.appendingPathComponent("data").path
        let port = try FreePort.next()
        try giveToPostgresUser(root.path)

        try asPostgres("\(binaries)/initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"])
        try hostBasedAuthentication.write(toFile: "\(data)/pg_hba.conf", atomically: true, encoding: .utf8)
        try makeCertificate(in: data)

        let server = Process()
        let arguments = [
            "\(binaries)/postgres", "-D", data, "-p", "\(port)", "-k", root.path,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "ssl=on",
            "-c", "ssl_cert_file=\(data)/server.crt", "-c", "ssl_key_file=\(data)/server.key",
        ]
        (server.executableURL, server.arguments) = try commandAsPostgres(arguments)
        let logPath = root.appendingPathComponent("postgres.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        server.standardOutput = log
        server.standardError = log
        try server.run()
        Cleanup.atExit { stopServer(dataDirectory: data) }

        let instance = PostgresServer(port: port, socketDirectory: root.path, binaries: binaries)
        try instance.waitUntilReady(server, log: logPath)
        _ = try instance.superuser(setupSQL)
        _ = try instance.superuser(sampleData, database: "orders")
        return instance
    }

    /// Runs SQL as the superuser over the Unix socket, each statement on its
    /// own (as a script); throws with psql's message on failure.
    @discardableResult
    func superuser(_ sql: String, database: String = "postgres") throws -> String {
        let result = try Command.run("psql", [
            "-h", socketDirectory, "-p", "\(port)", "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-f", "-",
        ], input: sql)
        guard result.status == 0 else { throw TestSetupError("psql as superuser failed: \(result.stderr)") }
        return result.stdout
    }

    /// Waits until the server accepts connections, however long a loaded
    /// machine takes to start it (the suites' time limits bound the wait: a
    /// fixed number of tries failed every test once, when the Kubernetes
    /// cluster started beside it); a server that exited fails at once, with
    /// its log.
    private func waitUntilReady(_ server: Process, log: String) throws {
        while try Command.run("pg_isready", ["-h", socketDirectory, "-p", "\(port)", "-q"]).status != 0 {
            guard server.isRunning else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestSetupError("PostgreSQL exited (status \(server.terminationStatus)) before it accepted connections on port \(port):\n\(output.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    private static let hostBasedAuthentication = """
        local all all trust
        host all trusty 127.0.0.1/32 trust
        host all all 127.0.0.1/32 md5
        """

    private static let setupSQL = """
        CREATE ROLE app LOGIN PASSWORD '\(appPassword)';
        SET password_encryption = 'md5';
        CREATE ROLE legacy LOGIN PASSWORD '\(legacyPassword)';
        CREATE ROLE trusty LOGIN;
        CREATE DATABASE orders OWNER app;
        """

    private static let sampleData = """
        SET ROLE app;
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text, city text);
        INSERT INTO customers VALUES
          (1, 'Ada Lovelace', 'ada@example.com', 'London'),
          (2, 'Grace Hopper', 'grace@example.com', 'New York'),
          (3, 'Edsger Dijkstra', 'edsger@example.com', 'Austin');
        GRANT SELECT ON customers TO legacy, trusty;
        """

    /// Fast shutdown (SIGINT to the postmaster named in postmaster.pid), then
    /// waits until PostgreSQL removed that file. Runs at process exit, where
    /// Foundation's Process can no longer wait for children.
    private static func stopServer(dataDirectory: String) {
        let pidFile = "\(dataDirectory)/postmaster.pid"
        guard let contents = try? String(contentsOfFile: pidFile, encoding: .utf8),
              let pid = contents.split(separator: "\n").first.flatMap({ pid_t($0) })
        else { return }
        kill(pid, SIGINT)
        for _ in 0..<100 where FileManager.default.fileExists(atPath: pidFile) {
            usleep(50_000)
        }
    }

    private static func findBinaries() throws -> String {
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw TestSetupError("PostgreSQL server binaries are not installed under \(base) (scripts/test installs them)")
        }
        return "\(base)/\(newest)/bin"
    }

    private static var isRoot: Bool { getuid() == 0 }

    private static func commandAsPostgres(_ command: [String]) throws -> (URL, [String]) {
        if isRoot { return (URL(fileURLWithPath: try Command.resolve("runuser")), ["-u", "postgres", "--"] + command) }
        return (URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    private static func asPostgres(_ executable: String, _ arguments: [String]) throws {
        let (url, args) = try commandAsPostgres([executable] + arguments)
        let result = try Command.run(url.path, args)
        guard result.status == 0 else { throw TestSetupError("\(executable) failed: \(result.output)") }
    }

    private static func giveToPostgresUser(_ path: String) throws {
        guard isRoot else { return }
        let result = try Command.run("chown", ["-R", "postgres:postgres", path])
        guard result.status == 0 else { throw TestSetupError("chown failed: \(result.stderr)") }
    }

    private static func makeCertificate(in data: String) throws {
        try asPostgres(try Command.resolve("openssl"), [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(data)/server.key", "-out", "\(data)/server.crt", "-days", "2", "-subj", "/CN=localhost",
        ])
        try asPostgres("/bin/chmod", ["600", "\(data)/server.key"])
    }
}
