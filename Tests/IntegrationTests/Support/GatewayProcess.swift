import Foundation

/// A `warden serve` process for one test: its own directory, configuration,
/// self-signed certificate, store and random port. Stopped with SIGTERM.
final class GatewayProcess: @unchecked Sendable {
    // @unchecked: the process handle is only used from the owning test; the
    // log buffer is locked.
    let directory: URL
    let port: Int
    /// The admin API's port, when the gateway was started with one.
    let adminPort: Int?
    let configPath: String
    /// The configuration the gateway was started with.
    var configText: String { (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? "" }
    private let process: Process
    private let log = LockedData()

    var logs: String { String(decoding: log.get(), as: UTF8.self) }

    /// The gateway's resident memory in KiB, from /proc.
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "")
    }

    /// Starts the gateway with `connections` YAML (indented list items) in front of `postgres`,
    /// and the admin API for `adminGroups` when they are given. Plugins load from
    /// the built products and from `pluginPaths`. `extraListeners` (indented
    /// list items, where `GATEWAY_DIR` stands for ``directory``, which holds
    /// the gateway's certificate) follow the PostgreSQL listener; `storeOptions` are added to
    /// the `store:` mapping (`busy_timeout: 1s`).
    ///
    /// Without `postgres`, `listener` replaces the PostgreSQL listener
    /// (`PORT` stands for ``port``, `GATEWAY_DIR` for ``directory``) and
    /// `connections` must be given.
    init(
        postgres: PostgresServer?, connections: String? = nil, listener: String? = nil, extraIdentity: String = "",
        adminGroups: [String]? = nil, pluginPaths: [String] = [], extraListeners: String = "", storeOptions: String = "",
        extraConfig: String = "", environment: [String: String] = [:]
    ) throws {
        directory = try Paths.temporaryDirectory("warden-gw")
        port = try FreePort.next()
        let adminPort = try adminGroups.map { _ in try FreePort.next() }
        self.adminPort = adminPort
        try Self.makeCertificate(in: directory)
        configPath = directory.appendingPathComponent("warden.yaml").path
        guard let connections = connections ?? postgres.map(Self.defaultConnections) else {
            throw TestSetupError("a gateway without PostgreSQL needs its connections")
        }
        let primary = listener ?? """
              - name: pg
                protocol: postgres
                address: 127.0.0.1:PORT
                tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key }
            """
        let listeners = (primary + "\n" + extraListeners)
            .replacingOccurrences(of: "GATEWAY_DIR", with: directory.path).replacingOccurrences(of: "PORT", with: String(port))
        let yaml = """
            listeners:
            \(listeners)
            plugins:
              paths: [\(([Paths.products.path] + pluginPaths).joined(separator: ", "))]
            identity:
            \(extraIdentity)  dev_issuer: { enabled: true }
            connections:
            \(connections)
            store: { sqlite: \(directory.path)/state/warden.db\(storeOptions.isEmpty ? "" : ", \(storeOptions)") }
            \(adminGroups.map { "admin: { address: 127.0.0.1:\(adminPort ?? 0), groups: [\($0.joined(separator: ", "))] }" } ?? "")
            \(extraConfig)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.warden)
        process.arguments = ["serve", "--config", configPath, "--drain-seconds", "2"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging([
            "ORDERS_DB_PASSWORD": PostgresServer.appPassword,
            "LEGACY_DB_PASSWORD": PostgresServer.legacyPassword,
        ].merging(environment) { $1 }) { $1 }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let log = self.log
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil  // end of file; otherwise this handler spins
            } else {
                log.append(data)
            }
        }
        try process.run()
        let process = self.process
        Cleanup.atExit { if process.isRunning { process.terminate() } }
        try waitUntilReady()
    }

    static func defaultConnections(_ postgres: PostgresServer) -> String {
        """
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, port: \(postgres.port), database: orders, user: app, password_env: ORDERS_DB_PASSWORD, tls: prefer }
            allow_groups: [analysts, dba]
        """
    }

    private func waitUntilReady() throws {
        for _ in 0..<300 {
            // The admin API binds beside the listeners, not before them.
            if logs.contains("warden is ready") && (adminPort == nil || logs.contains("admin API listening")) { return }
            if !process.isRunning { throw TestSetupError("warden exited (\(process.terminationStatus)):\n\(logs)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSetupError("warden did not become ready:\n\(logs)")
    }

    /// Stops the gateway gracefully and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// Runs a `warden` subcommand against this gateway's configuration.
    func warden(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try Command.run(Paths.warden, arguments + ["--config", configPath], environment: environment, directory: directory.path)
    }

    /// `http://127.0.0.1:PORT` of the admin API.
    var adminURL: String { "http://127.0.0.1:\(adminPort ?? 0)" }

    /// A token from the built-in development issuer.
    func devToken(subject: String, groups: [String], ttl: String = "1h") throws -> String {
        let result = try warden(["dev", "token", "--subject", subject, "--groups", groups.joined(separator: ","), "--ttl", ttl])
        guard result.status == 0 else { throw TestSetupError("warden dev token failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs psql through the gateway with `password` and returns what it printed.
    func psql(_ sql: String, password: String?, database: String = "orders", sslmode: String = "require") throws -> CommandResult {
        var environment = ["PGCONNECT_TIMEOUT": "10"]
        environment["PGPASSWORD"] = password ?? ""
        return try Command.run("psql", [
            connectionString(database: database, sslmode: sslmode),
            "-X", "-w", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ], environment: environment)
    }

    func connectionString(database: String = "orders", sslmode: String = "require") -> String {
        "host=127.0.0.1 port=\(port) dbname=\(database) user=alice sslmode=\(sslmode)"
    }

    /// The path of the gateway's SQLite store.
    var storePath: String { directory.appendingPathComponent("state/warden.db").path }

    /// One number from the store (see ``StoreFile``).
    func storeCount(_ query: String) throws -> Int {
        try StoreFile(path: storePath).count(query)
    }

    /// Waits until the store holds the end of `count` sessions: by then each
    /// one's plugin session is closed and the recorder has written its
    /// records, which it lets go of as soon as they are. The suite's time
    /// limit bounds the wait.
    func waitForEndedSessions(_ count: Int) throws {
        while try storeCount("SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL") < count {
            guard process.isRunning else { throw TestSetupError("warden exited while waiting for \(count) sessions to end:\n\(logs)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Waits until the gateway's log contains `text`; the suite's time limit bounds the wait.
    func waitForLog(_ text: String) throws {
        while !logs.contains(text) {
            guard process.isRunning else { throw TestSetupError("warden exited while waiting for '\(text)':\n\(logs)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Starts psql through the gateway reading statements from its standard
    /// input, one Query message per line, so a test can send them one at a
    /// time over one session.
    func interactivePsql(password: String, database: String = "orders") throws -> InteractiveCommand {
        try InteractiveCommand(
            "psql", [connectionString(database: database), "-X", "-w", "-A", "-t", "-v", "VERBOSITY=verbose"],
            environment: ["PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"])
    }

    /// Starts psql running `sql` through the gateway without waiting for it.
    ///
    /// The test runner's threads block SIGINT and a spawned child inherits that
    /// mask; a python3 shim clears it so psql answers an interrupt as in a terminal.
    func launchPsql(_ sql: String, password: String, output: Any, errors: Any) throws -> Process {
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: try Command.resolve("python3"))
        psql.arguments = [
            "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execvp('psql', ['psql'] + sys.argv[1:])",
            connectionString(), "-X", "-w", "-A", "-t", "-c", sql,
        ]
        psql.environment = ProcessInfo.processInfo.environment.merging(["PGPASSWORD": password]) { $1 }
        psql.standardOutput = output
        psql.standardError = errors
        try psql.run()
        return psql
    }

    private static func makeCertificate(in directory: URL) throws {
        let result = try Command.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", directory.appendingPathComponent("gateway.key").path,
            "-out", directory.appendingPathComponent("gateway.crt").path,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])
        guard result.status == 0 else { throw TestSetupError("openssl failed: \(result.stderr)") }
    }
}
