/// Rewrites a response body as it streams through: bytes in, the bytes the
/// client gets out. A thrown error ends the response (the client's
/// connection closes), since what follows could not be masked.
protocol BodyFilter: AnyObject {
    func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8]
    /// The body ended: whatever was held back.
    func finish() throws -> [UInt8]
}
