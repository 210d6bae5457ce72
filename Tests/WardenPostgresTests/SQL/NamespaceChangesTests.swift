import Testing
@testable import WardenPostgres

/// SQL that changes what a protocol statement or portal name stands for.
@Suite struct NamespaceChangesTests {
    @Test func namesAreReadFromTheParseTree() {
        let changes = NamespaceChanges.of(#"PREPARE "S1" AS SELECT 1; deallocate s2; DECLARE c CURSOR FOR SELECT 1; CLOSE "D""#)
        #expect(changes.statements == ["S1", "s2"])
        #expect(changes.portals == ["c", "D"])
        #expect(!changes.allStatements && !changes.allPortals)
    }

    @Test func everythingGoesWithAllOrDiscardAll() {
        #expect(NamespaceChanges.of("DEALLOCATE ALL").allStatements)
        #expect(NamespaceChanges.of("CLOSE ALL").allPortals)
        let discard = NamespaceChanges.of("DISCARD ALL")
        #expect(discard.allStatements && discard.allPortals)
        #expect(NamespaceChanges.of("DISCARD PLANS").isEmpty)
    }

    @Test func otherTextsChangeNothingAndAreNotParsed() {
        #expect(NamespaceChanges.of("SELECT 1").isEmpty)
        #expect(!NamespaceChanges.mayChange("SELECT name FROM people"))
        #expect(NamespaceChanges.mayChange("select 1; DeAlLoCaTe x"))
        #expect(NamespaceChanges.of("SELECT 'prepare'").isEmpty, "a word in a string is not a statement")
    }

    @Test func theMachineForgetsWhatANameMeant() {
        var state = ExtendedProtocolState()
        state.statements[ExactText("s1")] = .init(text: "SELECT 1")
        state.statements[ExactText("s2")] = .init(text: "SELECT 2")
        state.portals[ExactText("p")] = "s1"
        state.apply(NamespaceChanges.of("DEALLOCATE s1; DECLARE p CURSOR FOR SELECT 3"))
        #expect(state.statements[ExactText("s1")] == nil && state.statements[ExactText("s2")] != nil)
        #expect(state.portals[ExactText("p")] == nil)
    }

    /// A statement that deallocates another does so at every execution,
    /// whatever the name was given to in between.
    @Test func everyExecutionForgetsAgain() {
        var harness = ExtendedProtocolTests().readyHarness()
        _ = harness.machine.clientData(FrontendMessages.parse("DEALLOCATE s1", name: "x") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 1))
        _ = harness.machine.upstreamData(ExtendedProtocolTests.parseComplete + BackendMessages.readyForQuery(.idle))
        _ = harness.machine.clientData(FrontendMessages.parse("SELECT 1", name: "s1") + FrontendMessages.sync())
        _ = harness.machine.decided(.allow(actionID: 2))
        _ = harness.machine.upstreamData(ExtendedProtocolTests.parseComplete + BackendMessages.readyForQuery(.idle))
        #expect(harness.machine.extended.statements[ExactText("s1")] != nil)
        _ = harness.machine.clientData(ExtendedProtocolTests.bind(statement: "x") + ExtendedProtocolTests.execute()
            + FrontendMessages.sync())
        #expect(harness.machine.extended.statements[ExactText("s1")] == nil, "s1 no longer means SELECT 1")
    }
}
