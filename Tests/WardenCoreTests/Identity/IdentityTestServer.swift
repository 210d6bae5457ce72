import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny loopback HTTP server that plays an OIDC issuer: it serves a
/// discovery document and a JWKS that tests can change, and counts requests.
final class IdentityTestServer: Sendable {
    struct State {
        /// The server's own URL, known once it is bound.
        var issuer = ""
        var jwks: [[String: String]] = []
        /// Overrides the `issuer` in the discovery document when set.
        var advertisedIssuer: String?
        /// Overrides `jwks_uri` in the discovery document when set.
        var advertisedKeySetURL: String?
        /// Delay before answering the JWKS, to make concurrent fetches overlap.
        var keySetDelay: TimeAmount = .zero
        var hits: [String: Int] = [:]
    }

    let state = NIOLockedValueBox(State())
    private let channel: any Channel
    let issuer: String

    init() async throws {
        let state = self.state
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        issuer = "http://127.0.0.1:\(channel.localAddress!.port!)"
        state.withLockedValue { [issuer] in $0.issuer = issuer }
    }

    func publish(_ keys: [TestKey]) {
        state.withLockedValue { $0.jwks = keys.map(\.jwk) }
    }

    func publish(rawKeys: [[String: String]]) {
        state.withLockedValue { $0.jwks = rawKeys }
    }

    func hits(_ path: String) -> Int {
        state.withLockedValue { $0.hits[path, default: 0] }
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: NIOLockedValueBox<State>
        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .head(let head) = unwrapInboundIn(data) else { return }
            let path = String(head.uri.split(separator: "?").first ?? "")
            let (body, delay): (Data?, TimeAmount) = state.withLockedValue { state in
                state.hits[path, default: 0] += 1
                let issuer = state.issuer
                switch path {
                case "/.well-known/openid-configuration":
                    let document = [
                        "issuer": state.advertisedIssuer ?? issuer,
                        "jwks_uri": state.advertisedKeySetURL ?? "\(issuer)/jwks",
                    ]
                    return (try! JSONSerialization.data(withJSONObject: document), .zero)
                case "/jwks":
                    return (try! JSONSerialization.data(withJSONObject: ["keys": state.jwks]), state.keySetDelay)
                default:
                    return (nil, .zero)
                }
            }
            let respond = {
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: "\(body?.count ?? 0)")
                let status: HTTPResponseStatus = body == nil ? .notFound : .ok
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                if let body {
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
            if delay == .zero {
                respond()
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(in: delay, respond)
            }
        }
    }
}
