extension AdminAccess {
    /// The signed-in identity, when it may use `area`; otherwise 403 with the reason.
    func require(_ area: Area, _ context: AdminRequestContext) throws -> Identity {
        let identity = try context.requireIdentity()
        if let refusal = refusal(area, for: identity) { throw AdminError.forbidden(refusal) }
        return identity
    }
}
