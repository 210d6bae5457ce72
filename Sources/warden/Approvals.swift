import ArgumentParser
import Foundation
import WardenCore

/// `warden approvals`: decide on held statements through the admin API.
struct Approvals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pending approvals: list them, approve or deny (a client of the admin API; the token comes from WARDEN_TOKEN).",
        subcommands: [List.self, Show.self, Approve.self, Deny.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pending approvals you may decide on, oldest first.")
        @OptionGroup var target: AdminTarget

        func run() async throws {
            let approvals = try await target.withClient { try await $0.pendingApprovals() }
            print(ApprovalFormatting.table(approvals))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one pending approval in full: the whole statement, its targets and why it is held.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The approval id, as `warden approvals list` shows it.") var id: String

        func run() async throws {
            let approval = try await target.withClient { try await $0.approval(id) }
            print(ApprovalFormatting.details(approval))
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a held statement; it runs at once.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The approval id, as `warden approvals list` shows it.") var id: String
        @Option(name: .customLong("for"),
                help: "Also let the requester run the same kind of statement on the same tables for this long: 15m, 1h.")
        var grantFor: String?

        func validate() throws {
            if let grantFor, DurationText.parse(grantFor) == nil {
                throw ValidationError("--for: expected a duration such as 90s, 15m or 1h, \(DurationText.rangeDescription), found '\(grantFor)'")
            }
        }

        func run() async throws {
            let result = try await target.withClient { try await $0.approve(id, grantFor: grantFor) }
            print(ApprovalFormatting.decision(result))
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a held statement; the client gets an error.")
        @OptionGroup var target: AdminTarget
        @Argument(help: "The approval id, as `warden approvals list` shows it.") var id: String
        @Option(help: "Why; shown to the requester.") var reason: String?

        func run() async throws {
            let result = try await target.withClient { try await $0.deny(id, reason: reason) }
            print(ApprovalFormatting.decision(result))
        }
    }
}

/// Where the admin API is and who is asking: `--admin URL`, else the
/// configuration's `admin.address`; the token from `WARDEN_TOKEN`.
struct AdminTarget: ParsableArguments {
    @OptionGroup var options: ConfigOption
    @Option(name: .customLong("admin"), help: "The admin API's URL, such as http://127.0.0.1:8081; overrides admin.address in --config.")
    var admin: String?

    static let tokenVariable = "WARDEN_TOKEN"

    func withClient<T>(_ body: (AdminClient) async throws -> T) async throws -> T {
        try await AdminClient.with(baseURL: try baseURL(), token: try token(), body)
    }

    private func token() throws -> String {
        guard let token = ProcessInfo.processInfo.environment[Self.tokenVariable]?
            .trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
        else {
            throw Failure("\(Self.tokenVariable) is not set: export a token from your identity provider, for example WARDEN_TOKEN=$(warden dev token --subject you --groups dba)")
        }
        return token
    }

    /// With --admin the configuration file is not needed: an approver's
    /// laptop has the URL, not the gateway's configuration.
    private func baseURL() throws -> String {
        if let admin { return admin }
        let config = try options.load()
        guard let address = config.admin?.address else {
            throw Failure("\(options.config) has no admin: section, so there is no admin API to ask; add one or pass --admin URL")
        }
        return "http://\(address)"
    }
}
