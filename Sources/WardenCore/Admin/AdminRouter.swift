import Hummingbird

/// What the admin API reads and acts on.
struct AdminAPI: Sendable {
    let validator: TokenValidator
    let access: AdminAccess
    let approvals: ApprovalBroker
    let records: RecordStore
    let audit: AuditLog
}

/// The admin API's routes: `/healthz` for load balancers, everything else
/// under `/v1` behind a bearer token.
enum AdminRouter {
    static func build(_ api: AdminAPI) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        // Added first, so it also shapes the errors of unknown paths.
        router.add(middleware: AdminErrorMiddleware())
        router.get("healthz") { _, _ in AdminResponse.text("ok\n", contentType: "text/plain; charset=utf-8") }

        let v1 = router.group("v1").add(middleware: AdminAuthMiddleware(validator: api.validator))
        ApprovalRoutes(approvals: api.approvals, access: api.access).register(on: v1)
        SessionRoutes(records: api.records, access: api.access).register(on: v1)
        AuditRoutes(audit: api.audit, access: api.access).register(on: v1)
        return router
    }
}
