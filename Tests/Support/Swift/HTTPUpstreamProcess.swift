import Foundation

/// A running `Tests/Support/http/upstream.py`: httpbin's application and
/// Warden's own routes on gunicorn's threaded worker, a real HTTP/1.1 server
/// with keep-alive, chunked responses and server-sent events.
///
/// Warden's routes (the script's docstring has their exact bytes):
/// `GET /warden/users?count=N` (streamed, chunked), `GET /warden/users.json?count=N[&gzip=1]`
/// (with a Content-Length and `X-Content-SHA256`), `GET /warden/events?count=N&interval=S`
/// (server-sent events), `GET /warden/text` (an email and an SSN),
/// `GET|POST /warden/count/KEY` (counts a request under KEY), `GET|DELETE /warden/counts`.
/// httpbin's `/anything` echoes the request it received.
public final class HTTPUpstreamProcess: Sendable {
    public typealias Failure = PythonFixtureProcess.Failure

    /// `http://127.0.0.1:PORT`, no trailing slash.
    public let url: String
    public var host: String { "127.0.0.1" }
    public let port: Int
    private let fixture: PythonFixtureProcess

    private init(fixture: PythonFixtureProcess) {
        self.url = fixture.firstLine
        self.port = fixture.port
        self.fixture = fixture
    }

    /// What an HTTPS upstream serves with: its certificate and key, and the
    /// CA its clients' certificates must be signed by, if it asks for one.
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String
        public var clientCA: String?

        public init(certificate: String, key: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.key = key
            self.clientCA = clientCA
        }
    }

    /// - Parameters:
    ///   - threads: requests gunicorn serves at once (one process, so the counters are shared).
    ///   - keepAliveSeconds: how long an idle keep-alive connection stays open.
    ///   - tls: serve HTTPS (``url`` then starts with `https://`).
    public static func start(threads: Int = 32, keepAliveSeconds: Int = 30, tls: TLSFiles? = nil) async throws -> HTTPUpstreamProcess {
        var arguments = ["--threads", String(threads), "--keep-alive", String(keepAliveSeconds)]
        if let tls {
            arguments += ["--certfile", tls.certificate, "--keyfile", tls.key]
            if let clientCA = tls.clientCA { arguments += ["--client-ca", clientCA] }
        }
        let fixture = try await PythonFixtureProcess.start(
            name: "the HTTP upstream", script: "http/upstream.py", arguments: arguments,
            expecting: tls == nil ? "http://127.0.0.1:" : "https://127.0.0.1:",
            requirement: """
                the PyPI packages gunicorn and httpbin: run `pip install gunicorn` and \
                `pip install --no-deps httpbin` (scripts/lib/install-deps.sh installs the tested versions)
                """)
        return HTTPUpstreamProcess(fixture: fixture)
    }

    /// gunicorn's log so far: one access line per request, and its errors.
    public func output() -> String {
        fixture.output()
    }

    public func stop() {
        fixture.stop()
    }
}
