import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A few plain TCP connections to a loopback port that send nothing, or what
/// a test writes. Closed by ``closeAll()``, and at deinit whatever happens.
/// For thousands, use ``IdleConnectionsProcess``: they must not sit in the
/// test runner.
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

    /// Writes `bytes` on connection `index` and reads the first `count` bytes of the answer.
    func request(_ index: Int, send bytes: [UInt8], answerBytes count: Int) -> [UInt8] {
        let fd = descriptors[index]
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while received.count < count {
            let read = recv(fd, &buffer, count - received.count, 0)
            guard read > 0 else { break }
            received += buffer[0..<read]
        }
        return received
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
}
