import Foundation
import WardenTestSupport

/// A gateway whose listener speaks MySQL and serves the connection
/// `orders` in front of the shared MariaDB, with the `mariadb` client and
/// PyMySQL as clients.
struct MySQLGateway {
    let server: MariaDBServer
    let gateway: GatewayProcess

    /// `rules`, `masking` and `extra` are YAML lines of the connection, indented by four.
    /// `upstreamPort` and `upstreamPassword` put another server in front of
    /// MariaDB (the caching_sha2_password fixture); by default the upstream
    /// is MariaDB itself with `upstreamUser`'s password.
    init(server: MariaDBServer, rules: String = "", masking: String = "", extra: String = "", upstreamUser: String = "app",
         upstreamTLS: String = "prefer", upstreamPort: Int? = nil, upstreamPassword: String? = nil,
         adminGroups: [String]? = nil, storeOptions: String = "") throws {
        self.server = server
        gateway = try GatewayProcess(
            postgres: nil,
            connections: """
              - name: orders
                protocol: mysql
                upstream: { host: 127.0.0.1, port: \(upstreamPort ?? server.port), user: \(upstreamUser), password_env: MARIADB_PASSWORD, tls: \(upstreamTLS) }
                allow_groups: [analysts, dba]
            \(rules)
            \(masking)
            \(extra)
            """,
            listener: """
              - { name: my, protocol: mysql, address: "127.0.0.1:PORT", tls: { certificate: GATEWAY_DIR/gateway.crt, key: GATEWAY_DIR/gateway.key } }
            """,
            adminGroups: adminGroups, storeOptions: storeOptions,
            environment: ["MARIADB_PASSWORD": upstreamPassword
                ?? (upstreamUser == "edapp" ? MariaDBServer.edappPassword : MariaDBServer.appPassword)])
    }

    /// The `mariadb` client through the gateway in batch mode (tab-separated,
    /// with column names), the token as its password.
    func mariadb(_ sql: String, token: String?, database: String = "orders", tls: Bool = true, port: Int? = nil,
                 user: String = "alice") throws -> CommandResult {
        var arguments = ["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(port ?? gateway.port), "-u", user,
                         "--batch", "--connect-timeout=20"]
        arguments.append(tls ? "--ssl" : "--skip-ssl")
        if !database.isEmpty { arguments.append(database) }
        arguments += ["-e", sql]
        return try Command.run("mariadb", arguments, environment: token.map { ["MYSQL_PWD": $0] } ?? [:])
    }

    /// The same statement on a direct connection as the gateway-held account.
    func direct(_ sql: String, database: String = "orders") throws -> CommandResult {
        try Command.run("mariadb", [
            "--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", String(server.port), "-u", "app", "--batch",
            database, "-e", sql,
        ], environment: ["MYSQL_PWD": MariaDBServer.appPassword])
    }

    /// PyMySQL (`Tests/Support/mysql/pymysql_client.py`): one JSON line per statement.
    func pymysql(_ statements: [String], token: String, tls: Bool = true) throws -> [String] {
        let script = PythonFixtureProcess.supportDirectory.appendingPathComponent("mysql/pymysql_client.py").path
        let result = try Command.run(
            "python3", [script, String(gateway.port), "orders", "alice"] + (tls ? [] : ["--no-tls"]) + statements,
            environment: ["MYSQL_PWD": token])
        guard result.status == 0 else { throw TestSetupError("pymysql_client.py failed: \(result.output)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }
}
