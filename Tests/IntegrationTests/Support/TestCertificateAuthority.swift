import Foundation

/// A throwaway certificate authority made with openssl, and certificates it
/// signs: servers' (with their names) and clients'. Files live in `directory`.
struct TestCertificateAuthority {
    let directory: URL
    var certificate: String { path("ca.crt") }
    private var key: String { path("ca.key") }

    init(in directory: URL, name: String = "Warden test CA") throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign",
            "-keyout", directory.appendingPathComponent("ca.key").path, "-out", directory.appendingPathComponent("ca.crt").path,
        ])
    }

    /// A server certificate for `names` (DNS names or IP addresses): its certificate and key files.
    func server(_ file: String, names: [String]) throws -> (certificate: String, key: String) {
        let alternatives = names.map { $0.first?.isNumber == true ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        return try sign(file, subject: names.first ?? file, extensions: "subjectAltName=\(alternatives)\nextendedKeyUsage=serverAuth\n")
    }

    /// A client certificate for `subject`: its certificate and key files.
    func client(_ file: String, subject: String) throws -> (certificate: String, key: String) {
        try sign(file, subject: subject, extensions: "extendedKeyUsage=clientAuth\n")
    }

    private func sign(_ file: String, subject: String, extensions: String) throws -> (certificate: String, key: String) {
        let extensionsFile = path("\(file).ext")
        try extensions.write(toFile: extensionsFile, atomically: true, encoding: .utf8)
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(subject)",
            "-keyout", path("\(file).key"), "-out", path("\(file).csr"),
        ])
        try Self.openssl([
            "x509", "-req", "-in", path("\(file).csr"), "-CA", certificate, "-CAkey", key, "-CAcreateserial",
            "-days", "1", "-extfile", extensionsFile, "-out", path("\(file).crt"),
        ])
        return (path("\(file).crt"), path("\(file).key"))
    }

    private func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    private static func openssl(_ arguments: [String]) throws {
        let result = try Command.run("openssl", arguments)
        guard result.status == 0 else { throw TestSetupError("openssl \(arguments.first ?? "") failed: \(result.output)") }
    }
}
