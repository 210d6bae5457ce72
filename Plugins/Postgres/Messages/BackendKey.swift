/// A process id / secret key pair, as carried by BackendKeyData and CancelRequest.
struct BackendKey: Hashable, Sendable {
    var processID: Int32
    var secretKey: Int32
}
