import Testing
@testable import WardenHTTPCore

/// The path the policy judges is the path the upstream receives.
struct RequestTargetTests {
    @Test(arguments: [
        ("/admin/users", "/admin/users"),
        ("/%61dmin/users", "/admin/users"),
        ("//admin//users", "/admin/users"),
        ("/a/../admin/./users", "/admin/users"),
        ("/../../admin", "/admin"),
        ("/users/", "/users/"),
        ("/admin/x/..", "/admin/"),
        ("/caf%C3%A9", "/café"),
    ])
    func spellingsOfOnePathAreOnePath(raw: String, path: String) throws {
        #expect(try RequestTarget(raw).path == path)
    }

    @Test func theForwardedTargetIsTheCheckedOneReEncoded() throws {
        let target = try RequestTarget("/a/../%61dmin;x/caf%C3%A9 x?q=1&r=%2F")
        #expect(target.path == "/admin;x/café x")
        #expect(target.query == "q=1&r=%2F")
        #expect(target.forwarded(under: "/base") == "/base/admin%3Bx/caf%C3%A9%20x?q=1&r=%2F")
    }

    @Test(arguments: [
        "/admin%2Fusers", "/admin%2fusers", "/admin%5Cx", "/admin\\x", "/a%00b", "/a%zz", "/a%C3", "/a%0Ab",
        "http://evil/admin", "*", "admin", "/a#frag",
    ])
    func ambiguousTargetsAreRefused(raw: String) {
        #expect(throws: HTTPInputError.self) { try RequestTarget(raw) }
    }
}
