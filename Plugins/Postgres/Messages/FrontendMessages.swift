/// Encoders for the frontend messages the gateway sends to the upstream
/// server in its own name (startup and authentication), plus the few a test
/// client needs.
enum FrontendMessages {
    static func sslRequest() -> [UInt8] {
        MessageWriter.packet { $0.appendInt32(StartupPacket.sslRequestCode) }
    }

    static func gssEncRequest() -> [UInt8] {
        MessageWriter.packet { $0.appendInt32(StartupPacket.gssEncRequestCode) }
    }

    static func cancelRequest(_ key: BackendKey) -> [UInt8] {
        MessageWriter.packet { out in
            out.appendInt32(StartupPacket.cancelRequestCode)
            out.appendInt32(key.processID)
            out.appendInt32(key.secretKey)
        }
    }

    /// A protocol-3.0 StartupMessage with the given parameters in order.
    static func startupMessage(_ parameters: [(name: String, value: String)],
                               protocolVersion: Int32 = StartupPacket.protocol30) -> [UInt8] {
        MessageWriter.packet { out in
            out.appendInt32(protocolVersion)
            for (name, value) in parameters {
                out.appendCString(name)
                out.appendCString(value)
            }
            out.append(0)
        }
    }

    /// PasswordMessage: a cleartext password or an md5 hash string.
    static func passwordMessage(_ password: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.password) { $0.appendCString(password) }
    }

    static func saslInitialResponse(mechanism: String, initialResponse: [UInt8]) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.password) { out in
            out.appendCString(mechanism)
            out.appendInt32(Int32(clamping: initialResponse.count))
            out.append(contentsOf: initialResponse)
        }
    }

    static func saslResponse(_ data: [UInt8]) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.password) { $0.append(contentsOf: data) }
    }

    static func query(_ text: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.query) { $0.appendCString(text) }
    }

    /// Parse of an unnamed statement without parameter types.
    static func parse(_ text: String, name: String = "") -> [UInt8] {
        MessageWriter.message(FrontendMessageType.parse) { out in
            out.appendCString(name)
            out.appendCString(text)
            out.appendInt16(0)
        }
    }

    /// Bind of a statement without parameters, results in text.
    static func bind(portal: String, statement: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.bind) { out in
            out.appendCString(portal)
            out.appendCString(statement)
            out.appendInt16(0)
            out.appendInt16(0)
            out.appendInt16(0)
        }
    }

    /// Execute of a portal, all its rows.
    static func execute(portal: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.execute) { out in
            out.appendCString(portal)
            out.appendInt32(0)
        }
    }

    /// Close of a prepared statement (and of the portals made from it).
    static func closeStatement(_ name: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.close) { out in
            out.append(UInt8(ascii: "S"))
            out.appendCString(name)
        }
    }

    static func flush() -> [UInt8] {
        MessageWriter.message(FrontendMessageType.flush) { _ in }
    }

    /// Describe of a portal: its RowDescription (or NoData).
    static func describePortal(_ name: String) -> [UInt8] {
        MessageWriter.message(FrontendMessageType.describe) { out in
            out.append(UInt8(ascii: "P"))
            out.appendCString(name)
        }
    }

    static func sync() -> [UInt8] {
        MessageWriter.message(FrontendMessageType.sync) { _ in }
    }

    static func terminate() -> [UInt8] {
        MessageWriter.message(FrontendMessageType.terminate) { _ in }
    }
}
