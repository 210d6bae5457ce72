import Foundation
import Testing

@testable import WardenCore

/// A record compared with what its audit event says of it: the fields the
/// gateway writes into each event, and the columns that differ once someone
/// edits the record by hand.
@Suite struct AuditedContentTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000.123)

    static let statement = StatementRecord(
        sessionID: "s1", sequence: 2, startedAt: start, text: "SELECT name FROM customers", verdict: "allow",
        reason: "analysts may read", approval: "ap-1")

    static let session = SessionRecord(
        id: "s1", startedAt: start, endedAt: nil, listener: "pg", clientAddress: "127.0.0.1:5000", connection: "orders",
        clientUser: "alice", subject: "alice", groups: ["analysts", "dba"], status: "open", reason: nil)

    @Test func aStatementEventCarriesTheRecord() {
        #expect(AuditedContent.statement(Self.statement) == [
            "sequence": "2", "text": "SELECT name FROM customers", "reason": "analysts may read", "approval": "ap-1",
            "started_at": "1750000000123",
        ])
    }

    /// `verify` reads only these keys of each event.
    @Test func theKeysVerifyReadsAreAllTheEventsCarry() {
        #expect(Set(AuditedContent.statement(Self.withFacts).keys) == Set(AuditedContent.statementKeys))
        var refused = Self.session
        refused.reason = "closed before authentication"
        #expect(Set(AuditedContent.session(refused).keys) == Set(AuditedContent.sessionKeys))
    }

    static var withFacts: StatementRecord {
        var statement = Self.statement
        statement.facts = ActionFacts(kind: "sql", className: "read", risk: "low", targets: ["customers"],
                                      attributes: ["command": "SELECT"])
        return statement
    }

    /// Issue 11: the event vouches for what the plugin said of the action.
    @Test(arguments: ["kind", "class", "risk", "targets", "attributes"])
    func anEditedFactIsNamed(field: String) {
        let detail = AuditedContent.statement(Self.withFacts)
        #expect(detail["attributes"] == #"{"command":"SELECT"}"#)
        #expect(AuditedContent.compare(Self.withFacts, kind: AuditKind.statementAllowed, detail: detail).differing.isEmpty)
        var edited = Self.withFacts
        switch field {
        case "kind": edited.facts?.kind = "http"
        case "class": edited.facts?.className = "write"
        case "risk": edited.facts?.risk = "critical"
        case "targets": edited.facts?.targets = []
        default: edited.facts?.attributes = ["command": "DELETE"]
        }
        #expect(AuditedContent.compare(edited, kind: AuditKind.statementAllowed, detail: detail).differing == [field])
    }

    /// Facts dropped from the record, or added where the event has none.
    @Test func factsOnOneSideOnlyDiffer() {
        let detail = AuditedContent.statement(Self.withFacts)
        #expect(AuditedContent.compare(Self.statement, kind: AuditKind.statementAllowed, detail: detail).differing
            == ["kind", "class", "risk", "targets", "attributes"])
        let plain = AuditedContent.statement(Self.statement)
        #expect(AuditedContent.compare(Self.withFacts, kind: AuditKind.statementAllowed, detail: plain).differing
            == ["kind", "class", "risk", "targets", "attributes"])
    }

    @Test func anUntouchedStatementMatchesItsEvent() {
        let detail = AuditedContent.statement(Self.statement)
        #expect(AuditedContent.compare(Self.statement, kind: AuditKind.statementAllowed, detail: detail)
            == AuditedContent.Comparison(differing: [], complete: true))
    }

    @Test(arguments: ["text", "verdict", "reason", "approval", "started_at"])
    func anEditedStatementColumnIsNamed(field: String) {
        let detail = AuditedContent.statement(Self.statement)
        var edited = Self.statement
        switch field {
        case "text": edited.text = "SELECT 1"
        case "verdict": edited.verdict = "deny"
        case "reason": edited.reason = nil
        case "approval": edited.approval = "ap-2"
        default: edited.startedAt += 60
        }
        #expect(AuditedContent.compare(edited, kind: AuditKind.statementAllowed, detail: detail).differing == [field])
    }

    @Test func aRefusalRecordedAsAllowedDiffersInItsVerdict() {
        var refused = Self.statement
        refused.verdict = "deny"
        refused.approval = nil
        let detail = AuditedContent.statement(refused)
        #expect(AuditedContent.compare(refused, kind: AuditKind.statementDenied, detail: detail).differing.isEmpty)
        refused.verdict = "allow"
        #expect(AuditedContent.compare(refused, kind: AuditKind.statementDenied, detail: detail).differing == ["verdict"])
    }

    /// An approval or a reason added where the event has none is an edit too.
    @Test func aColumnFilledInWhereTheEventHasNoneDiffers() {
        var plain = Self.statement
        plain.reason = nil
        plain.approval = nil
        let detail = AuditedContent.statement(plain)
        plain.approval = "ap-9"
        #expect(AuditedContent.compare(plain, kind: AuditKind.statementAllowed, detail: detail).differing == ["approval"])
    }

    /// An event written before events carried the whole record: what it
    /// carries is compared, the rest cannot be, and the comparison says so.
    @Test func anOlderStatementEventIsComparedOnWhatItCarries() {
        let older = ["sequence": "2", "text": "SELECT name FROM customers", "class": "read"]
        let untouched = AuditedContent.compare(Self.statement, kind: AuditKind.statementAllowed, detail: older)
        #expect(untouched == AuditedContent.Comparison(differing: [], complete: false))

        var edited = Self.statement
        edited.text = "SELECT 1"
        edited.reason = "anything"
        edited.startedAt += 60
        edited.verdict = "deny"
        #expect(AuditedContent.compare(edited, kind: AuditKind.statementAllowed, detail: older)
            == AuditedContent.Comparison(differing: ["verdict", "text"], complete: false))
    }

    @Test func aSessionEventCarriesTheRecord() {
        #expect(AuditedContent.session(Self.session) == [
            "listener": "pg", "client": "127.0.0.1:5000", "connection": "orders", "client_user": "alice",
            "groups": "analysts,dba", "subject": "alice", "started_at": "1750000000123",
        ])
        let detail = AuditedContent.session(Self.session)
        #expect(AuditedContent.compare(Self.session, kind: AuditKind.connectionAccepted, actor: "alice", detail: detail)
            == AuditedContent.Comparison(differing: [], complete: true))
    }

    @Test(arguments: ["subject", "groups", "client_address", "connection", "status", "started_at"])
    func anEditedSessionColumnIsNamed(field: String) {
        let detail = AuditedContent.session(Self.session)
        var edited = Self.session
        switch field {
        case "subject": edited.subject = "mallory"
        case "groups": edited.groups = ["analysts"]
        case "client_address": edited.clientAddress = "10.0.0.1:1"
        case "connection": edited.connection = "legacy"
        case "status": edited.status = "refused"
        default: edited.startedAt -= 1
        }
        #expect(AuditedContent.compare(edited, kind: AuditKind.connectionAccepted, actor: "alice", detail: detail)
            .differing == [field])
    }

    @Test func aRefusedSessionIsComparedOnItsReason() {
        var refused = Self.session
        refused.status = "refused"
        refused.subject = nil
        refused.reason = "closed before authentication"
        let detail = AuditedContent.session(refused)
        #expect(AuditedContent.compare(refused, kind: AuditKind.connectionRefused, actor: "unknown", detail: detail)
            .differing.isEmpty)
        refused.reason = "nothing to see"
        refused.status = "ended"
        #expect(AuditedContent.compare(refused, kind: AuditKind.connectionRefused, actor: "unknown", detail: detail)
            .differing == ["status", "reason"])
    }

    /// Older connection events named the subject only as their actor.
    @Test func anOlderSessionEventVouchesForTheSubjectAsItsActor() {
        let older = ["listener": "pg", "client": "127.0.0.1:5000", "connection": "orders", "client_user": "alice",
                     "groups": "analysts,dba"]
        #expect(AuditedContent.compare(Self.session, kind: AuditKind.connectionAccepted, actor: "alice", detail: older)
            == AuditedContent.Comparison(differing: [], complete: false))
        #expect(AuditedContent.compare(Self.session, kind: AuditKind.connectionAccepted, actor: "bob", detail: older)
            .differing == ["subject"])
        var anonymous = Self.session
        anonymous.subject = nil
        #expect(AuditedContent.compare(anonymous, kind: AuditKind.connectionAccepted, actor: "unknown", detail: older)
            .differing.isEmpty)
        anonymous.subject = "bob"
        #expect(AuditedContent.compare(anonymous, kind: AuditKind.connectionAccepted, actor: "unknown", detail: older)
            .differing == ["subject"])
    }

    /// An accepted session's reason is the one its `session.ended` event
    /// gives, once the record says the session ended.
    @Test func aSessionEndedByTheGatewayIsComparedOnItsReason() {
        let end = ["reason": "the sign-in token expired", "subject": "alice"]
        // Until the session's end is recorded, its record has no reason yet.
        #expect(AuditedContent.compareEnd(Self.session, detail: end).differing.isEmpty)
        var ended = Self.session
        ended.endedAt = Self.start + 60
        ended.reason = "the sign-in token expired"
        #expect(AuditedContent.compareEnd(ended, detail: end).differing.isEmpty)
        ended.reason = "ended by an administrator"
        #expect(AuditedContent.compareEnd(ended, detail: end) == AuditedContent.Comparison(differing: ["reason"]))
        ended.endedAt = nil
        #expect(AuditedContent.compareEnd(ended, detail: end).differing == ["reason"])
    }
}
