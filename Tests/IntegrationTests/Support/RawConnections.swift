import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Plain TCP connections to a loopback port that send nothing (or what a
/// test writes) and can be watched for the server closing them. Closed by
/// ``closeAll()``, and at deinit whatever happens.
final class RawConnections {
    private(set) var descriptors: [Int32] = []

    deinit { closeAll() }

    /// Opens `count` connections to 127.0.0.1:`port`.
    func open(_ count: Int, port: Int) throws {
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TestSetupError("socket() failed after \(descriptors.count) connections: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                let error = errno
                Glibc.close(fd)
                throw TestSetupError("connect() failed after \(descriptors.count) connections: errno \(error)")
            }
            descriptors.append(fd)
        }
    }

    /// How many of the connections the server has closed (end of file or a
    /// reset is waiting), without blocking.
    func closedByServer() -> Int {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard !fds.isEmpty else { return 0 }
        _ = poll(&fds, nfds_t(fds.count), 0)
        var closed = 0
        for entry in fds where entry.revents != 0 {
            var byte: UInt8 = 0
            // Nothing is sent to these connections, so readable means closed.
            let read = recv(entry.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if read == 0 || (read < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { closed += 1 }
        }
        return closed
    }

    /// Polls until every connection is closed by the server or `limit`
    /// passes (a bound on the test, not a measured duration); returns how many are.
    func waitUntilClosedByServer(atMost limit: TimeInterval) -> Int {
        let end = Date().addingTimeInterval(limit)
        var closed = closedByServer()
        while closed < descriptors.count && Date() < end {
            Thread.sleep(forTimeInterval: 0.2)
            closed = closedByServer()
        }
        return closed
    }

    /// Writes `bytes` on connection `index`, then reads until the server closes it.
    func exchange(_ index: Int, send bytes: [UInt8]) -> [UInt8] {
        let fd = descriptors[index]
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return received
    }

    /// Closes connection `index` from this side.
    func close(_ index: Int) {
        Glibc.close(descriptors[index])
        descriptors[index] = -1
    }

    func closeAll() {
        for fd in descriptors where fd >= 0 { Glibc.close(fd) }
        descriptors = []
    }

    /// Raises this process's open-file limit to at least `needed`, up to the
    /// hard limit; throws when even that is too low.
    static func ensureDescriptorLimit(_ needed: Int) throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < rlim_t(needed) else { return }
        guard limit.rlim_max >= rlim_t(needed) else {
            throw TestSetupError("this test needs \(needed) open files; the hard limit is \(limit.rlim_max) (raise it with ulimit -Hn)")
        }
        limit.rlim_cur = rlim_t(needed)
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
}
