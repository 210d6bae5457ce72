import WardenPluginSDK

/// What the record keeps of one exchange, as the client saw it: chosen
/// headers and the first bytes of each body, within the capture limit.
struct ExchangeCapture {
    static let requestHeaders: Set<String> = ["content-type", "content-length", "accept", "user-agent"]
    static let responseHeaders: Set<String> = ["content-type", "content-length", "location", "content-encoding"]

    let limit: Int
    var requestHeaders: [String] = []
    var requestBody: [UInt8] = []
    var responseHeaders: [String] = []
    var responseBody: [UInt8] = []
    var truncated = false

    init(limit: Int) { self.limit = limit }

    mutating func requestHead(_ headers: [(String, String)]) {
        requestHeaders = Self.chosen(headers, Self.requestHeaders)
    }

    mutating func responseHead(_ headers: [(String, String)]) {
        responseHeaders = Self.chosen(headers, Self.responseHeaders)
    }

    mutating func request(_ bytes: UnsafeRawBufferPointer) {
        if !Self.append(bytes, to: &requestBody, room: limit / 2) { truncated = true }
    }

    mutating func response(_ bytes: UnsafeRawBufferPointer) {
        if !Self.append(bytes, to: &responseBody, room: limit / 2) { truncated = true }
    }

    /// Keeps what fits in `room` (half the limit for each body, so a large
    /// upload leaves room for the answer); false when something was left out.
    private static func append(_ bytes: UnsafeRawBufferPointer, to body: inout [UInt8], room: Int) -> Bool {
        let free = room - body.count
        guard free > 0 else { return bytes.isEmpty }
        body += bytes.prefix(free)
        return bytes.count <= free
    }

    /// The replay's table: one row with the exchange in HTTP terms.
    func table(status: Int?, reason: String) -> ResultTable? {
        guard limit > 0 else { return nil }
        return ResultTable(
            columns: ["status", "request_headers", "request_body", "response_headers", "response_body"],
            rows: [[
                status.map { "\($0) \(reason)" }, requestHeaders.joined(separator: "\n"),
                String(decoding: requestBody, as: UTF8.self), responseHeaders.joined(separator: "\n"),
                String(decoding: responseBody, as: UTF8.self),
            ]],
            truncated: truncated)
    }

    private static func chosen(_ headers: [(String, String)], _ names: Set<String>) -> [String] {
        headers.filter { names.contains(HeaderName.canonical($0.0)) }.map { "\($0.0): \($0.1)" }
    }
}
