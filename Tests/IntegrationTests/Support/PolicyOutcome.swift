import Testing

/// What the policy does with a statement a test sends: refuses it at once,
/// or holds it for an approval that times out.
enum PolicyOutcome: Sendable, CustomTestStringConvertible {
    case refused
    case held

    var testDescription: String { self == .refused ? "refused" : "held" }

    /// Checks psql's output for this outcome: a 42501 refusal and no hold,
    /// or a hold that ended without the statement running.
    func expect(in result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
        switch self {
        case .refused:
            #expect(result.stderr.contains("ERROR:  42501: statement refused by Warden"), "\(result.output)",
                    sourceLocation: sourceLocation)
            #expect(!result.stderr.contains("held for approval"), "\(result.output)", sourceLocation: sourceLocation)
        case .held:
            #expect(result.stderr.contains("NOTICE:  00000: statement held for approval"), "\(result.output)",
                    sourceLocation: sourceLocation)
            #expect(result.stderr.contains("the statement did not run"), "\(result.output)", sourceLocation: sourceLocation)
        }
    }
}
