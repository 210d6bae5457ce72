import Foundation
import Testing
import WardenCore

/// The configuration loader: the example file, and errors that name the key and line.
@Suite struct WardenConfigTests {
    static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/warden.yaml").path

    @Test func theExampleConfigurationLoads() throws {
        let config = try WardenConfig.load(path: Self.exampleFile)
        #expect(config.listeners.count == 1)
        #expect(config.listeners[0].protocolName == "postgres")
        #expect(config.listeners[0].address.description == "127.0.0.1:6432")
        #expect(config.listeners[0].tls?.certificate == "certs/gateway.crt")
        #expect(config.pluginPaths == [".build/release"])
        #expect(config.identity.oidc?.issuer.absoluteString == "https://idp.example.com/realms/main")
        #expect(config.identity.oidc?.groupsClaim == "groups")
        #expect(config.identity.devIssuerEnabled)
        let orders = try #require(config.connection(named: "orders"))
        #expect(orders.upstream.port == 5432)
        #expect(orders.upstream.user == "app")
        #expect(orders.upstream.tls == .prefer)
        #expect(orders.allowGroups == ["analysts", "dba"])
        #expect(config.store.sqlitePath == ".warden/warden.db")
        #expect(config.store.resultCaptureBytes == 65_536)
        #expect(config.store.busyTimeout == .seconds(5))
        #expect(config.store.unavailableTimeout == .seconds(10))
        #expect(config.identity.maxSession == .seconds(12 * 3600))
        #expect(config.limits == LimitsConfig(signInTimeout: .seconds(10), maxConnections: 1000))
    }

    static let valid = """
        listeners:
          - { name: pg, protocol: postgres, address: "127.0.0.1:6432" }
        identity: { dev_issuer: { enabled: true } }
        connections:
          - name: orders
            protocol: postgres
            upstream: { host: 127.0.0.1, user: app, port: 5432 }
            allow_groups: [dba]
        """

    func error(_ yaml: String) -> String {
        do {
            _ = try WardenConfig.parse(yaml: yaml, file: "w.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func aMinimalConfigurationLoadsWithDefaults() throws {
        let config = try WardenConfig.parse(yaml: Self.valid, file: "w.yaml")
        #expect(config.connections[0].upstream.tls == .prefer)
        #expect(config.connections[0].upstream.password == nil)
        #expect(config.identity.audience == "warden")
        #expect(config.store.resultCaptureBytes == 65_536)
        #expect(config.store.busyTimeout == .seconds(5))
        #expect(config.store.unavailableTimeout == .seconds(10))
        #expect(config.identity.maxSession == .seconds(12 * 3600))
        #expect(config.connections[0].maxSession == .seconds(12 * 3600))
    }

    /// Without `upstream.user` the client's startup user name used to become
    /// the upstream role: the client chose its own privileges.
    @Test func aPostgresConnectionWithoutAnUpstreamUserIsRefused() {
        let yaml = Self.valid.replacingOccurrences(of: "user: app, ", with: "")
        #expect(error(yaml) == """
            w.yaml:7: connections[0].upstream.user: is required for postgres connections: the gateway-held account the \
            gateway signs in as upstream (the client's own user name is never used)
            """)
        let empty = Self.valid.replacingOccurrences(of: "user: app, ", with: "user: \"\", ")
        #expect(error(empty).hasPrefix("w.yaml:7: connections[0].upstream.user: is required for postgres connections"))
    }

    /// `listeners[].connection` names a connection of the listener's protocol.
    @Test func aListenerMayServeOneConnection() throws {
        let fixed = Self.valid.replacingOccurrences(of: "address: \"127.0.0.1:6432\" }", with: "address: \"127.0.0.1:6432\", connection: orders }")
        #expect(try WardenConfig.parse(yaml: fixed, file: "w.yaml").listeners[0].connection == "orders")
        let unknown = Self.valid.replacingOccurrences(of: "address: \"127.0.0.1:6432\" }", with: "address: \"127.0.0.1:6432\", connection: sales }")
        #expect(error(unknown) == "w.yaml:2: listeners[0].connection: names no connection; expected one of: orders")
        let otherProtocol = fixed.replacingOccurrences(of: "protocol: postgres\n", with: "protocol: mysql\n")
        #expect(error(otherProtocol) == "w.yaml:2: listeners[0].connection: 'orders' is a mysql connection, but this listener speaks postgres")
    }

    @Test func maxSessionIsSetForAllConnectionsOrForOne() throws {
        let all = try WardenConfig.parse(
            yaml: Self.valid.replacingOccurrences(of: "enabled: true }", with: "enabled: true }, max_session: 8h"), file: "w.yaml")
        #expect(all.identity.maxSession == .seconds(8 * 3600))
        #expect(all.connections[0].maxSession == .seconds(8 * 3600))
        let one = try WardenConfig.parse(yaml: Self.valid + "\n    max_session: 30m", file: "w.yaml")
        #expect(one.identity.maxSession == .seconds(12 * 3600))
        #expect(one.connections[0].maxSession == .seconds(1800))
        #expect(error(Self.valid + "\n    max_session: forever") == """
            w.yaml:9: connections[0].max_session: expected a duration from 1s to 30d, such as 90s, 5m or 1h, found 'forever'
            """)
        #expect(error(Self.valid.replacingOccurrences(of: "enabled: true }", with: "enabled: true }, max_session: 31d"))
            .hasPrefix("w.yaml:3: identity.max_session: expected a duration from 1s to 30d"))
    }

    @Test func theStoreTimeoutsAreDurations() throws {
        let config = try WardenConfig.parse(
            yaml: Self.valid + "\nstore: { busy_timeout: 1s, unavailable_timeout: 2m }", file: "w.yaml")
        #expect(config.store.busyTimeout == .seconds(1))
        #expect(config.store.unavailableTimeout == .seconds(120))
        #expect(error(Self.valid + "\nstore: { busy_timeout: 0s }")
            == "w.yaml:9: store.busy_timeout: expected a duration from 1s to 5m, such as 90s, 5m or 1h, found '0s'")
    }

    @Test func resultCaptureCanBeSizedOrTurnedOff() throws {
        let off = try WardenConfig.parse(yaml: Self.valid + "\nstore: { result_capture_bytes: 0 }", file: "w.yaml")
        #expect(off.store.resultCaptureBytes == 0)
        let small = try WardenConfig.parse(yaml: Self.valid + "\nstore: { result_capture_bytes: 1024 }", file: "w.yaml")
        #expect(small.store.resultCaptureBytes == 1024)
        #expect(error(Self.valid + "\nstore: { result_capture_bytes: -1 }")
            == "w.yaml:9: store.result_capture_bytes: expected a whole number from 0 to 1073741824, found '-1'")
        #expect(error(Self.valid + "\nstore: { result_capture_bytes: 64k }").contains("found '64k'"))
    }

    @Test func connectionLimitsHaveDefaultsAndBounds() throws {
        #expect(try WardenConfig.parse(yaml: Self.valid, file: "w.yaml").limits == LimitsConfig(
            signInTimeout: .seconds(10), maxConnections: 1000))
        let set = try WardenConfig.parse(yaml: Self.valid + "\nlimits: { sign_in_timeout: 30s, max_connections: 5000 }", file: "w.yaml")
        #expect(set.limits == LimitsConfig(signInTimeout: .seconds(30), maxConnections: 5000))
        #expect(error(Self.valid + "\nlimits: { sign_in_timeout: 0s }")
            == "w.yaml:9: limits.sign_in_timeout: expected a duration such as 90s, 5m or 1h, from 1s to 1h, found '0s'")
        #expect(error(Self.valid + "\nlimits: { sign_in_timeout: 2h }").contains("from 1s to 1h, found '2h'"))
        #expect(error(Self.valid + "\nlimits: { max_connections: 0 }")
            == "w.yaml:9: limits.max_connections: expected a whole number from 1 to 1000000, found '0'")
        #expect(error(Self.valid + "\nlimits: { max_connections: 99999999999999999999 }").contains("found '99999999999999999999'"))
        #expect(error(Self.valid + "\nlimits: { max_conections: 5 }").hasPrefix(
            "w.yaml:9: limits.max_conections: unknown key; expected one of: max_connections, max_signing_in_per_address, sign_in_timeout"))
    }

    @Test func anUnknownKeyIsNamedWithItsLine() {
        let yaml = Self.valid.replacingOccurrences(of: "allow_groups: [dba]", with: "allow_group: [dba]")
        #expect(error(yaml).hasPrefix("w.yaml:8: connections[0].allow_group: unknown key; expected one of: allow_groups, approvals, default, masking, max_body_bytes, max_session, max_statement_bytes, name, protocol, rules, upstream"))
    }

    @Test func aBadPortSaysWhatWasExpected() {
        let yaml = Self.valid.replacingOccurrences(of: "port: 5432", with: "port: lots")
        #expect(error(yaml) == "w.yaml:7: connections[0].upstream.port: expected a whole number from 1 to 65535, found 'lots'")
    }

    @Test func aBadAddressSaysWhatWasExpected() {
        let yaml = Self.valid.replacingOccurrences(of: "\"127.0.0.1:6432\"", with: "localhost")
        #expect(error(yaml) == "w.yaml:2: listeners[0].address: expected HOST:PORT such as 127.0.0.1:6432, found 'localhost'")
    }

    @Test func anUnknownTLSModeIsRefused() {
        let yaml = Self.valid.replacingOccurrences(of: "port: 5432 }", with: "port: 5432, tls: maybe }")
        #expect(error(yaml).contains("connections[0].upstream.tls: expected one of disable, prefer, require, verify-full, found 'maybe'"))
    }

    @Test func missingAllowGroupsIsRefused() {
        let yaml = Self.valid.replacingOccurrences(of: "\n    allow_groups: [dba]", with: "")
        #expect(error(yaml).contains("connections[0].allow_groups: is required"))
    }

    @Test func anIdentityIsRequired() {
        let yaml = Self.valid.replacingOccurrences(of: "identity: { dev_issuer: { enabled: true } }", with: "identity: { dev_issuer: { enabled: false } }")
        #expect(error(yaml).contains("identity: configure identity.oidc, or enable identity.dev_issuer"))
    }

    @Test func invalidYAMLNamesTheLine() {
        #expect(error("listeners:\n  - name: [unclosed\n").hasPrefix("w.yaml:3: not valid YAML"))
    }

    @Test func durationsAreParsedAsPeopleWriteThem() {
        #expect(DurationText.parse("90s") == .seconds(90))
        #expect(DurationText.parse("15m") == .seconds(900))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("1x") == nil)
        #expect(DurationText.parse("10") == nil)
        #expect(DurationText.parse("") == nil)
        #expect(DurationText.parse("2d") == .seconds(172_800))
        #expect(DurationText.parse("1H30M") == .seconds(5400))
    }

    /// Found by fuzzing the admin API's `for` and `since`: each of these was
    /// accepted, read two ways, or could overflow.
    @Test func durationsAreReadOneWayAndBounded() {
        for text in [
            "\u{661}h",  // ARABIC-INDIC DIGIT ONE: a digit to `wholeNumberValue`, not to people
            "\u{B2}m",  // SUPERSCRIPT TWO
            "\u{FF11}h",  // FULLWIDTH DIGIT ONE
            "1h1h", "30m1h", "1s1m",  // a unit twice, or smallest first
            "h", "1hm", " 1h", "1h ", "-1h", "+1h", "1.5h", "0s", "0h0m",
            "36501d", "99999999999999d", "999999999d", String(repeating: "9", count: 100) + "s",
            String(repeating: "1d", count: 200_000),
        ] {
            #expect(DurationText.parse(text) == nil, "\(text.prefix(40))")
        }
        #expect(DurationText.parse("36500d") == DurationText.maximum)
        #expect(DurationText.parse("1d1h1m1s") == .seconds(90_061))
        #expect(DurationText.parse("0h30m") == .seconds(1800))
    }
}

extension WardenConfigTests {
    @Test func pluginsAreLookedForBesideTheExecutableByDefault() throws {
        let config = try WardenConfig.parse(yaml: Self.valid, file: "w.yaml")
        #expect(config.pluginPaths.count == 1)
        #expect(config.pluginPaths[0].hasPrefix("/"))
    }
}
