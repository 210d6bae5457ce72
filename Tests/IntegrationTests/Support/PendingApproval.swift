import Foundation

extension GatewayProcess {
    /// The id of the first pending approval whose line in `warden approvals
    /// list` contains `text`, as `token`'s holder sees the list; waits for it
    /// to appear (a held action reaches the list once the host has recorded
    /// it), at most 30 seconds.
    func pendingApproval(matching text: String, token: String) throws -> String {
        var last = ""
        for _ in 0..<300 {
            let list = try warden(["approvals", "list"], environment: ["WARDEN_TOKEN": token])
            last = list.output
            if let line = list.stdout.split(separator: "\n").first(where: { $0.contains(text) }), let id = line.split(separator: " ").first {
                return String(id)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestSetupError("no pending approval of '\(text)' appeared:\n\(last)\n\(logs.suffix(3_000))")
    }
}
