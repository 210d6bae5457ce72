import Foundation

/// A running `Tests/Support/http/ws_echo.py`: a WebSocket server (the
/// `websockets` library) that sends every message back as it came, text as
/// text and binary as binary. On the path `/headers` its first message is the
/// opening handshake as it reached it, as JSON: `{"path": …, "headers": [[name, value], …]}`.
public final class WebSocketEchoProcess: Sendable {
    public typealias Failure = PythonFixtureProcess.Failure

    /// `ws://127.0.0.1:PORT`, no trailing slash.
    public let url: String
    public var host: String { "127.0.0.1" }
    public let port: Int
    private let fixture: PythonFixtureProcess

    private init(fixture: PythonFixtureProcess) {
        self.url = fixture.firstLine
        self.port = fixture.port
        self.fixture = fixture
    }

    /// - Parameter compression: whether the server accepts permessage-deflate
    ///   when a client offers it (then its frames are compressed, RSV1 set).
    public static func start(compression: Bool = true) async throws -> WebSocketEchoProcess {
        let fixture = try await PythonFixtureProcess.start(
            name: "the WebSocket echo upstream", script: "http/ws_echo.py",
            arguments: compression ? [] : ["--no-compression"],
            expecting: "ws://127.0.0.1:",
            requirement: "the PyPI package websockets: run `pip install websockets`")
        return WebSocketEchoProcess(fixture: fixture)
    }

    /// The server's log so far: a line when each connection opens and closes.
    public func output() -> String {
        fixture.output()
    }

    public func stop() {
        fixture.stop()
    }
}
