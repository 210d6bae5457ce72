import Foundation
import Hummingbird

/// Builds the admin API's answers. Routes return `Response` rather than
/// making the public JSON types Hummingbird-aware, so the client side
/// (`warden approvals`) shares them without the server framework.
enum AdminResponse {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var data = try AdminJSON.encoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
