#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's limit on open file descriptors, which every client
/// connection, upstream connection and store file counts against.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one, as servers do (the soft
    /// default is often 1,024), and returns the limit now in force, or nil
    /// when it cannot be read.
    static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return UInt64(limit.rlim_cur)
    }

    /// Descriptors `maxConnections` sessions may need: a client and an
    /// upstream connection each, plus a reserve for listeners, the store,
    /// the admin API and refusals.
    static func needed(maxConnections: Int) -> UInt64 {
        UInt64(maxConnections) * 2 + 128
    }

    /// Raises the limit and warns when it is below what `limits.max_connections` needs.
    static func prepare(maxConnections: Int, logger: Logger) {
        guard let available = raiseToHardLimit() else { return }
        let needed = needed(maxConnections: maxConnections)
        if available < needed {
            logger.warning("""
                the open-file limit (\(available)) is below what limits.max_connections (\(maxConnections)) needs \
                (\(needed): a client and an upstream connection per session); raise it (ulimit -n, LimitNOFILE=) \
                or lower limits.max_connections, or new connections will fail once descriptors run out
                """)
        } else {
            logger.info("open-file limit", metadata: ["limit": "\(available)", "max_connections": "\(maxConnections)"])
        }
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
