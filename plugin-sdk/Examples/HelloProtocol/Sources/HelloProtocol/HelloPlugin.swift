import WardenPluginSDK

/// The one symbol the host looks up. It returns the plugin's static descriptor.
@_cdecl("warden_plugin_entry")
public func wardenPluginEntry() -> UnsafeRawPointer {
    exportPlugin(HelloPlugin.self)
}

/// Plugin-wide state: none, so it is trivially thread-safe.
public struct HelloPlugin: ProtocolPlugin {
    public static let manifest = PluginManifest(
        name: "hello", kind: .protocol, version: "0.1.0",
        description: "A teaching example: a line protocol that asks the host about every line")

    public init(host: PluginHost) throws {
        host.log(.info, "hello plugin loaded")
    }

    public func makeSession(context: SessionContext, info: SessionInfo) throws -> any ProtocolSession {
        HelloSession(context: context)
    }
}

/// A thin adapter: feeds the state machine and carries out its effects.
/// The host calls it serially on the session's event loop.
final class HelloSession: ProtocolSession {
    private let context: SessionContext
    private var machine = HelloMachine()
    /// The one host request this session waits for, if any.
    private var pending: RequestID?

    init(context: SessionContext) {
        self.context = context
    }

    func received(_ bytes: UnsafeRawBufferPointer, from side: Side) throws -> Flow {
        guard side == .client else { return .close }  // this protocol has no upstream
        return try perform(machine.received(bytes))    // `bytes` is borrowed: the machine copies
    }

    func completed(_ completion: Completion) throws -> Flow {
        // A completion this session did not ask for is a bug: fail closed.
        guard completion.requestID == pending else { throw HelloError.unexpectedCompletion }
        pending = nil
        let effects: [HelloMachine.Effect]
        switch completion {
        case .authenticated(_, .success(let identity)): effects = machine.authenticated(subject: identity.subject)
        case .authenticated(_, .failure(let refusal)): effects = machine.refused(refusal.reason)
        case .decided(_, .allow): effects = machine.allowed()
        case .decided(_, .deny(let reason)), .decided(_, .unavailable(let reason)): effects = machine.denied(reason)
        case .tls, .upstreamOpened, .decisionPending, .woken, .upstreamClosed: throw HelloError.unexpectedCompletion
        }
        let flow = try perform(effects)
        // The client side was paused while we waited; resume it once nothing is pending.
        if flow == .continue && pending == nil { try context.resume(.client) }
        return flow
    }

    /// Carries out effects in order and tells the host what to do next.
    private func perform(_ effects: [HelloMachine.Effect]) throws -> Flow {
        for effect in effects {
            switch effect {
            case .reply(let text):
                try context.write(Array("\(text)\n".utf8), to: .client)
            case .authenticate(let token, let connection):
                pending = try context.authenticate(token: token, connection: connection, clientUser: "")
            case .decide(let line):
                pending = try context.decide(Action(kind: .statement, classification: .read, text: line))
            case .close:
                return .close
            }
        }
        // PAUSE while the host works: no more client bytes until we resume.
        return machine.isWaiting ? .pause : .continue
    }

    func failureMessage(for error: any Error) -> [UInt8]? {
        Array("REFUSED internal error\n".utf8)  // never echo details to the client
    }
}

enum HelloError: Error {
    case unexpectedCompletion
}
