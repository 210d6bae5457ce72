import ArgumentParser
import Foundation
import WardenCore
import Yams

/// `warden kube`: kubectl through Warden without a long-lived secret in the
/// kubeconfig. `config` writes a kubeconfig whose user runs `credential`,
/// an exec credential plugin that hands kubectl the person's OIDC token.
struct Kube: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "kubectl through Warden: a kubeconfig, and the credential plugin it runs.",
        subcommands: [Config.self, Credential.self])

    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a kubeconfig for a Kubernetes connection.",
            discussion: """
                The kubeconfig's cluster is the listener that serves the connection, trusted through the \
                listener's certificate; its user runs `warden kube credential`, which reads the person's \
                OIDC token from WARDEN_TOKEN or --token-file (or, in development, mints one). \
                The exec API version is v1beta1 unless asked otherwise: kubectl reads it from 1.11 on, \
                v1 only from 1.22.
                """)

        @OptionGroup var options: ConfigOption

        @Option(help: "The Kubernetes connection (connections[].name).")
        var connection: String

        @Option(help: "The gateway's URL as kubectl reaches it (default: https:// and the listener's address).")
        var server: String?

        @Option(help: "A PEM file of the CA that signed the listener's certificate (default: the listener's certificate).")
        var certificateAuthority: String?

        @OptionGroup var source: TokenSourceOptions

        @Option(help: "client.authentication.k8s.io version: v1beta1 (kubectl 1.11+) or v1 (kubectl 1.22+).")
        var execAPIVersion: String = "v1beta1"

        @Option(name: .shortAndLong, help: "Write the kubeconfig here instead of standard output.")
        var output: String?

        func run() throws {
            let config = try options.load()
            guard ["v1beta1", "v1"].contains(execAPIVersion) else {
                throw ValidationError("--exec-api-version: expected v1beta1 or v1, found '\(execAPIVersion)'")
            }
            guard let connection = config.connection(named: connection) else {
                throw Failure("\(options.config) has no connection named '\(self.connection)'")
            }
            guard connection.protocolName == "kubernetes" else {
                throw Failure("the connection '\(connection.name)' in \(options.config) is a \(connection.protocolName) connection, not kubernetes")
            }
            guard let listener = config.listeners.first(where: { $0.connection == connection.name })
                    ?? config.listeners.first(where: { $0.protocolName == "kubernetes" && $0.connection == nil }) else {
                throw Failure("no listener in \(options.config) serves the connection '\(connection.name)'")
            }
            if source.devSubject != nil, !config.identity.devIssuerEnabled {
                throw Failure("--dev-subject needs identity.dev_issuer enabled in \(options.config)")
            }
            let authority = try Self.certificateAuthority(certificateAuthority ?? listener.tls?.certificate, listener: listener.name)
            let kubeconfig = KubeconfigFile(
                name: "warden-\(connection.name)", server: try server ?? Self.server(listener),
                certificateAuthorityData: authority, execAPIVersion: "client.authentication.k8s.io/\(execAPIVersion)",
                command: try Self.wardenPath(), arguments: try credentialArguments(config))
            let text = try YAMLEncoder().encode(kubeconfig)
            if let output {
                // The file names no secret, but kubectl expects kubeconfigs to be private.
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw Failure("cannot write \(output)")
                }
            } else {
                print(text, terminator: "")
            }
        }

        private func credentialArguments(_ config: WardenConfig) throws -> [String] {
            var arguments = ["kube", "credential", "--config", Self.absolute(options.config)]
            if let tokenFile = source.tokenFile { arguments += ["--token-file", Self.absolute(tokenFile)] }
            if let devSubject = source.devSubject { arguments += ["--dev-subject", devSubject] }
            if let devGroups = source.devGroups { arguments += ["--dev-groups", devGroups] }
            return arguments
        }

        /// `https://HOST:PORT` of a listener bound to a concrete address.
        private static func server(_ listener: ListenerConfig) throws -> String {
            let host = listener.address.host
            guard !["0.0.0.0", "::", ""].contains(host) else {
                throw Failure("the listener '\(listener.name)' listens on every address: give --server with the name kubectl reaches it by")
            }
            return "https://\(listener.address)"
        }

        private static func certificateAuthority(_ path: String?, listener: String) throws -> String {
            guard let path else {
                throw Failure("the listener '\(listener)' has no TLS certificate; kubectl needs HTTPS: give --certificate-authority")
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
            return data.base64EncodedString()
        }

        /// kubectl runs the plugin from wherever it runs: the path must be absolute.
        private static func wardenPath() throws -> String {
            let path = URL(fileURLWithPath: CommandLine.arguments[0]).path
            guard path.hasPrefix("/") else { throw Failure("cannot tell where this warden executable is") }
            return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? absolute(path)
        }

        static func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        }
    }

    struct Credential: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "kubectl's exec credential plugin: print the OIDC token as an ExecCredential.",
            discussion: """
                The token comes from WARDEN_TOKEN, else from --token-file, else (development only) from the \
                built-in issuer for --dev-subject. kubectl runs this itself, as the kubeconfig from \
                `warden kube config` says; it answers in the API version kubectl asks for.
                """)

        @OptionGroup var options: ConfigOption

        @OptionGroup var source: TokenSourceOptions

        func run() throws {
            let token = try self.oidcToken()
            let credential = ExecCredential(
                apiVersion: Self.requestedAPIVersion(), token: token, expires: ExecCredential.expiry(of: token))
            print(try credential.json())
        }

        private func oidcToken() throws -> String {
            if let token = ProcessInfo.processInfo.environment["WARDEN_TOKEN"]?.trimmingCharacters(in: .whitespacesAndNewlines),
               !token.isEmpty {
                return token
            }
            if let tokenFile = source.tokenFile {
                guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                    throw Failure("warden kube credential: cannot read the token file \(tokenFile)")
                }
                let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty else { throw Failure("warden kube credential: the token file \(tokenFile) is empty") }
                return token
            }
            if let devSubject = source.devSubject {
                let config = try options.load()
                guard config.identity.devIssuerEnabled else {
                    throw Failure("warden kube credential: --dev-subject needs identity.dev_issuer enabled in \(options.config)")
                }
                let issuer = try DevIssuer(keyFile: WardenServer.devIssuerKeyFile(config), audience: config.identity.audience)
                let groups = (source.devGroups ?? "").split(separator: ",").map(String.init)
                return try issuer.issue(subject: devSubject, groups: groups, ttl: .seconds(3600))
            }
            throw Failure("warden kube credential: no token: set WARDEN_TOKEN to your OIDC token, or give --token-file")
        }

        /// The version kubectl asks for in KUBERNETES_EXEC_INFO; v1beta1 when it says none.
        private static func requestedAPIVersion() -> String {
            guard let info = ProcessInfo.processInfo.environment["KUBERNETES_EXEC_INFO"],
                  let object = try? JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any],
                  let version = object["apiVersion"] as? String, version.hasPrefix("client.authentication.k8s.io/")
            else { return "client.authentication.k8s.io/v1beta1" }
            return version
        }
    }
}

/// Where `warden kube credential` takes the OIDC token from; `warden kube
/// config` writes the same options into the kubeconfig's exec command.
struct TokenSourceOptions: ParsableArguments {
    @Option(help: "A file holding the OIDC token, read each time kubectl asks (WARDEN_TOKEN comes first).")
    var tokenFile: String?

    @Option(help: "Development only: mint tokens for this subject with the built-in issuer.")
    var devSubject: String?

    @Option(help: "Development only: their groups, comma-separated.")
    var devGroups: String?
}
