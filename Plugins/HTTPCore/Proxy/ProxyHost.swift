import WardenPluginSDK

/// What the proxy asks of the host, as one protocol so that a unit test can
/// stand in for it. ``SessionContext`` is the real one.
public protocol ProxyHost: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer, to side: Side) throws(HostStatus)
    func startTLS(_ side: Side) throws(HostStatus) -> RequestID
    func authenticate(token: String, connection: String) throws(HostStatus) -> RequestID
    func openUpstream(connection: String) throws(HostStatus) -> RequestID
    func closeUpstream() throws(HostStatus)
    func decide(_ action: Action) throws(HostStatus) -> RequestID
    func record(_ result: ActionResult) throws(HostStatus)
    func mask(_ fields: [Field]) throws(HostStatus) -> [Int: String]
    func pause(_ side: Side) throws(HostStatus)
    func resume(_ side: Side) throws(HostStatus)
    func log(_ level: LogLevel, _ message: String)
}

extension ProxyHost {
    func write(_ bytes: [UInt8], to side: Side) throws(HostStatus) {
        let status: HostStatus? = bytes.withUnsafeBytes { raw in
            do throws(HostStatus) {
                try write(raw, to: side)
                return nil
            } catch {
                return error
            }
        }
        if let status { throw status }
    }
}

extension SessionContext: ProxyHost {
    public func authenticate(token: String, connection: String) throws(HostStatus) -> RequestID {
        try authenticate(token: token, connection: connection, clientUser: "")
    }
}
