import Foundation

/// A throwaway MariaDB server for the test process: its own data directory,
/// a loopback port, its own Unix socket, TLS on, run as the `mysql` user
/// when the tests run as root (mariadbd refuses to run as root unless told
/// to). Every MariaDB program starts with `--no-defaults`, so no option file
/// under /etc/mysql or the home directory changes it.
///
/// Accounts: `app` (mysql_native_password) on the databases `orders` and
/// `inventory`; `edapp` (ed25519) on `orders`; `scratch` on the database
/// `scratch` alone, for tests that run arbitrary statements; and the
/// administrator over the Unix socket (unix_socket authentication), which
/// ``root(_:database:)`` signs in as. `orders` holds sample customers and
/// payments, `inventory` a few items.
///
/// The performance schema is on with the consumers
/// `events_statements_history` and `events_statements_history_long`, so a
/// test can read what reached the server; `LOAD DATA LOCAL INFILE` is off.
final class MariaDBServer: Sendable {
    static let appPassword = "app-secret-7b3e"
    static let edappPassword = "edapp-secret-2a9c"
    static let scratchPassword = "scratch-secret-5d81"

    /// The TCP port, on 127.0.0.1 only.
    let port: Int
    /// The server's own Unix socket, in its temporary directory.
    let socketPath: String
    /// The server's self-signed certificate (CN=localhost, no IP address).
    let certificateFile: String
    /// The account ``root(_:database:)`` signs in as: unix_socket
    /// authentication admits only the system user of the same name, so it
    /// is `root` when the tests run as root, else the user who runs them.
    private let administrator: String

    /// One server shared by every test in the process, started on first use.
    static func shared() async throws -> MariaDBServer {
        try await sharedTask.value
    }

    private static let sharedTask = Task { try MariaDBServer.start() }

    private init(port: Int, socketPath: String, certificateFile: String, administrator: String) {
        self.port = port
        self.socketPath = socketPath
        self.certificateFile = certificateFile
        self.administrator = administrator
    }

    private static func start() throws -> MariaDBServer {
        let root = try Paths.temporaryDirectory("warden-mariadb")
        let data = root.appendingPathComponent("data").path
        let socketPath = root.appendingPathComponent("mariadb.sock").path
        let pidFile = root.appendingPathComponent("mariadbd.pid").path
        let logPath = root.appendingPathComponent("mariadbd.log").path
        let port = try FreePort.next()
        let administrator = try currentUserName()
        try makeCertificate(in: root.path)
        try giveToMySQLUser(root.path)

        let install = try Command.run("mariadb-install-db", [
            "--no-defaults", "--datadir=\(data)", "--auth-root-authentication-method=socket",
            "--auth-root-socket-user=\(administrator)", "--skip-test-db", "--skip-name-resolve",
        ] + runAsMySQL + storageOptions)
        guard install.status == 0 else { throw TestSetupError("mariadb-install-db failed: \(install.output)") }

        let server = Process()
        server.executableURL = URL(fileURLWithPath: try Command.resolve("mariadbd"))
        server.arguments = [
            "--no-defaults", "--datadir=\(data)", "--port=\(port)", "--bind-address=127.0.0.1",
            "--socket=\(socketPath)", "--pid-file=\(pidFile)", "--tmpdir=\(root.path)", "--skip-name-resolve",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            "--ssl-cert=\(root.path)/server.crt", "--ssl-key=\(root.path)/server.key",
            "--performance-schema=ON",
            // MariaDB fills the statement history only through events_statements_current.
            "--performance-schema-consumer-events-statements-current=ON",
            "--performance-schema-consumer-events-statements-history=ON",
            "--performance-schema-consumer-events-statements-history-long=ON",
            "--performance-schema-events-statements-history-long-size=10000",
            "--local-infile=OFF",
        ] + runAsMySQL + storageOptions
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        server.standardOutput = log
        server.standardError = log
        try server.run()
        let startedPID = server.processIdentifier
        Cleanup.atExit { stopServer(pidFile: pidFile, startedPID: startedPID) }

        let instance = MariaDBServer(
            port: port, socketPath: socketPath, certificateFile: "\(root.path)/server.crt", administrator: administrator)
        try instance.waitUntilReady(server, log: logPath)
        try instance.root(setupSQL)
        try instance.root(sampleOrders, database: "orders")
        try instance.root(sampleInventory, database: "inventory")
        return instance
    }

    /// Runs SQL as the administrator over the Unix socket with the `mariadb`
    /// client in batch mode (tab-separated rows, no column names), stopping
    /// at the first failing statement; throws with the client's message.
    @discardableResult
    func root(_ sql: String, database: String? = nil) throws -> String {
        var arguments = [
            "--no-defaults", "--batch", "--skip-column-names", "--protocol=socket",
            "--socket=\(socketPath)", "--user=\(administrator)",
        ]
        if let database { arguments.append("--database=\(database)") }
        let result = try Command.run("mariadb", arguments, input: sql)
        guard result.status == 0 else { throw TestSetupError("mariadb as \(administrator) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Waits until the server answers a ping on its socket, however long a
    /// loaded machine takes to start it (the suites' time limits bound the
    /// wait); a server that exited fails at once, with its log.
    private func waitUntilReady(_ server: Process, log: String) throws {
        let ping = ["--no-defaults", "--protocol=socket", "--socket=\(socketPath)", "--user=\(administrator)", "--silent", "ping"]
        while try Command.run("mariadb-admin", ping).status != 0 {
            guard server.isRunning else {
                let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestSetupError("MariaDB exited (status \(server.terminationStatus)) before it accepted connections on port \(port):\n\(output.suffix(2000))")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// The auth_ed25519 plugin ships with the server but is not loaded by
    /// default; INSTALL SONAME loads it and records it in mysql.plugin.
    private static let setupSQL = """
        INSTALL SONAME 'auth_ed25519';
        CREATE DATABASE orders;
        CREATE DATABASE inventory;
        CREATE DATABASE scratch;
        CREATE USER app@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('\(appPassword)');
        CREATE USER edapp@'%' IDENTIFIED VIA ed25519 USING PASSWORD('\(edappPassword)');
        CREATE USER scratch@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('\(scratchPassword)');
        GRANT ALL PRIVILEGES ON orders.* TO app@'%', edapp@'%';
        GRANT ALL PRIVILEGES ON inventory.* TO app@'%';
        GRANT ALL PRIVILEGES ON scratch.* TO scratch@'%';
        GRANT SELECT ON performance_schema.* TO scratch@'%';
        """

    private static let sampleOrders = """
        CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200), city VARCHAR(100));
        INSERT INTO customers VALUES
          (1, 'Ada Lovelace', 'ada@example.com', 'London'),
          (2, 'Grace Hopper', 'grace@example.com', 'New York'),
          (3, 'Edsger Dijkstra', 'edsger@example.com', 'Austin');
        CREATE TABLE payments (id INT PRIMARY KEY, customer_id INT, amount DECIMAL(10,2), card VARCHAR(32), paid_at DATETIME);
        INSERT INTO payments VALUES
          (1, 1, 120.50, '4111111111111111', '2024-01-15 10:30:00'),
          (2, 2, 75.00, '5555555555554444', '2024-02-03 14:05:00'),
          (3, 1, 19.99, '378282246310005', '2024-02-20 09:12:00');
        """

    private static let sampleInventory = """
        CREATE TABLE items (id INT PRIMARY KEY, sku VARCHAR(32) NOT NULL, quantity INT NOT NULL);
        INSERT INTO items VALUES (1, 'WIDGET-1', 40), (2, 'GADGET-7', 3);
        """

    /// Small InnoDB files and no flush per commit: a test server holds a
    /// few rows, and a smaller log makes mariadb-install-db quicker. No
    /// buffer pool dump, which made the shutdown wait for it.
    private static let storageOptions = [
        "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=0",
        "--innodb-buffer-pool-dump-at-shutdown=OFF", "--innodb-buffer-pool-load-at-startup=OFF",
    ]

    /// SIGTERM to the server named in its pid file (or to the process this
    /// test process started, if it never wrote one), then waits until it is
    /// gone; SIGKILL if it is still there after a minute. Runs at process
    /// exit, where Foundation's Process can no longer wait for children, so
    /// it reaps the server itself: a zombie would still answer kill(pid, 0).
    private static func stopServer(pidFile: String, startedPID: pid_t) {
        let written = (try? String(contentsOfFile: pidFile, encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let pid = written ?? startedPID
        guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
        for attempt in 0..<1300 {
            var status: Int32 = 0
            _ = waitpid(pid, &status, WNOHANG)
            if kill(pid, 0) != 0 { return }
            if attempt == 1200 { kill(pid, SIGKILL) }
            usleep(50_000)
        }
    }

    private static var isRoot: Bool { getuid() == 0 }

    /// mariadbd and mariadb-install-db switch to `mysql` themselves when
    /// started as root with `--user`.
    private static var runAsMySQL: [String] { isRoot ? ["--user=mysql"] : [] }

    private static func currentUserName() throws -> String {
        guard let entry = getpwuid(getuid()) else { throw TestSetupError("no passwd entry for uid \(getuid())") }
        return String(cString: entry.pointee.pw_name)
    }

    private static func giveToMySQLUser(_ path: String) throws {
        guard isRoot else { return }
        let result = try Command.run("chown", ["-R", "mysql:mysql", path])
        guard result.status == 0 else { throw TestSetupError("chown failed: \(result.stderr)") }
    }

    private static func makeCertificate(in directory: String) throws {
        let result = try Command.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "\(directory)/server.key", "-out", "\(directory)/server.crt", "-days", "2", "-subj", "/CN=localhost",
        ])
        guard result.status == 0 else { throw TestSetupError("openssl failed: \(result.output)") }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(directory)/server.key")
    }
}
