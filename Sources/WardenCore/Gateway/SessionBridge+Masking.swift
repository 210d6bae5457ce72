import CWardenPlugin

extension SessionBridge {
    /// Masks one batch of fields with the connection's rules; without rules
    /// every value passes unchanged.
    func mask(_ fields: UnsafeBufferPointer<warden_field>, changed: (Int, warden_bytes) -> Void) -> warden_status {
        guard let connection else { return WARDEN_DENIED }
        guard let masking = gateway.masking[connection.name] else { return WARDEN_OK }
        return masking.mask(fields, changed: changed)
    }
}
