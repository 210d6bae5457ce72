import Foundation

/// Where the repository, the built products and throwaway files are.
enum Paths {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding `warden` and the plugin shared objects: beside
    /// the test bundle, which `swift test` builds in the same place.
    static let products: URL = {
        if let override = ProcessInfo.processInfo.environment["WARDEN_PRODUCTS"] {
            return URL(fileURLWithPath: override)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("warden").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path == "/" ? repositoryRoot.appendingPathComponent(".build/debug") : directory
    }()

    static var warden: String { products.appendingPathComponent("warden").path }
    static var postgresPlugin: String { products.appendingPathComponent("libWardenPostgres.so").path }

    /// A new empty directory under /tmp, removed when the test process exits.
    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        Cleanup.atExit { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

/// Work to do when the test process exits: stop servers, remove directories.
enum Cleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var actions: [() -> Void] = []
    nonisolated(unsafe) private static var installed = false

    static func atExit(_ action: @escaping () -> Void) {
        lock.withLock {
            actions.append(action)
            if !installed {
                installed = true
                atexit { Cleanup.runAll() }
            }
        }
    }

    private static func runAll() {
        let pending = lock.withLock { () -> [() -> Void] in
            defer { actions.removeAll() }
            return actions.reversed()
        }
        pending.forEach { $0() }
    }
}

/// Picks a free loopback TCP port for a server a test starts.
///
/// Not by binding port 0: that hands out a port of the ephemeral range,
/// which every outgoing connection draws its local port from, and one
/// (kubectl's, the API server's to etcd) took such a port between its
/// release and the server's bind ("Address already in use", a failed run).
/// This band lies below the ephemeral range and apart from the one
/// Tests/Support/kube/cluster.py uses; a port is handed out once per run.
enum FreePort {
    static let band = 16384..<24576

    static func next() throws -> Int {
        for _ in 0..<band.count {
            let port = lock.withLock { () -> Int? in
                guard let port = band.randomElement(), !given.contains(port) else { return nil }
                given.insert(port)
                return port
            }
            if let port, isFree(port) { return port }
        }
        throw TestSetupError("no free port in \(band)")
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var given: Set<Int> = []

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
