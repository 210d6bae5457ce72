import Foundation
import Logging
import SQLiteNIO

/// The append-only, hash-chained audit trail, in the `audit_events` table of
/// the store's SQLite file.
///
/// Each event carries the hash of the one before, so ``verify()`` finds a
/// changed, removed or inserted event. Removing the *last* events leaves a
/// valid chain, so the seq and hash of the newest event are also kept in the
/// one-row `audit_head` table, updated in the same transaction as each
/// append. An attacker who can rewrite the whole file can rewrite both the
/// chain and the head consistently (or delete the file): only a copy held
/// elsewhere proves what was there, which is why ``export(since:)`` to a SIEM
/// matters.
///
/// Operations on one instance run one at a time, in call order; appends from
/// several instances or processes are serialized by `BEGIN IMMEDIATE`, so seq
/// and prev_hash cannot race.
public actor AuditLog {
    private let connection: SQLiteConnection
    private let now: @Sendable () -> Date
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    public nonisolated let path: String

    private init(connection: SQLiteConnection, path: String, now: @escaping @Sendable () -> Date) {
        self.connection = connection
        self.path = path
        self.now = now
    }

    /// Opens the trail in the SQLite file at `path`.
    ///
    /// - Parameter create: create the file and tables if missing (the gateway).
    ///   When false (`warden audit verify`), a missing file or table is an
    ///   ``AuditError/noAuditTrail(path:)``: a trail that vanished must not
    ///   be recreated empty and reported intact.
    /// - Parameter now: the clock for event times; tests pass a fixed one.
    /// - Parameter busyTimeout: how long a write waits for another writer's lock.
    public static func open(
        path: String, logger: Logger, create: Bool = true, busyTimeout: Duration = StoreConfig.defaultBusyTimeout,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> AuditLog {
        if create {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } else if !FileManager.default.fileExists(atPath: path) {
            throw AuditError.noAuditTrail(path: path)
        }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            try await prepare(connection, path: path, create: create, busyTimeout: busyTimeout)
        } catch {
            try? await connection.close()
            throw error
        }
        return AuditLog(connection: connection, path: path, now: now)
    }

    private static func prepare(
        _ connection: SQLiteConnection, path: String, create: Bool, busyTimeout: Duration
    ) async throws {
        for statement in AuditSchema.pragmas(busyTimeout: busyTimeout) {
            _ = try await connection.query(statement, [])
        }
        if create {
            try await transaction(connection, immediate: true) {
                for statement in AuditSchema.tables {
                    _ = try await connection.query(statement, [])
                }
            }
        } else if try await connection.query(AuditSchema.existing, []).first?.column("n")?.integer != 2 {
            throw AuditError.noAuditTrail(path: path)
        }
    }

    /// Closes the connection once earlier calls have finished.
    public func close() async throws {
        try await exclusively { try await connection.close() }
    }

    /// Appends one event and returns it as stored.
    ///
    /// - Parameters:
    ///   - kind: what happened, such as ``AuditKind/statementDenied``.
    ///   - actor: the subject, or ``AuditKind/gatewayActor``.
    ///   - detail: stored as canonical JSON; keep unmasked values out of it.
    @discardableResult
    public func append(
        kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:]
    ) async throws -> AuditEvent {
        try await append(all: [AuditEntry(kind: kind, actor: actor, sessionID: sessionID, detail: detail)])[0]
    }

    /// Appends events in order in one transaction: the head is read once, the
    /// events are chained in memory, and they are written with a few
    /// multi-row inserts and one head update.
    @discardableResult
    public func append(all entries: [AuditEntry]) async throws -> [AuditEvent] {
        guard !entries.isEmpty else { return [] }
        return try await exclusively {
            try await Self.transaction(connection, immediate: true) {
                try await Self.chain(entries, on: connection, path: path, now: now())
            }
        }
    }

    /// Chains `entries` after the trail's head and writes them, inside a
    /// write transaction the caller holds on `connection`: ``RecordStore``
    /// writes a batch's records and its audit events in one transaction, so
    /// that neither is ever committed without the other.
    ///
    /// - Parameter now: the time of entries that carry none.
    static func chain(
        _ entries: [AuditEntry], on connection: SQLiteConnection, path: String, now: Date
    ) async throws -> [AuditEvent] {
        guard !entries.isEmpty else { return [] }
        guard let head = try await readHead(connection) else {
            throw AuditError.headMissing(path: path)
        }
        // Normally the head and the last row agree. If rows were added behind
        // warden's back, number past them rather than collide, and keep
        // chaining from the head: verify reports the tampering, and the trail
        // keeps recording.
        let lastSeq = try await connection.query("SELECT max(seq) AS seq FROM audit_events", [])
            .first?.column("seq")?.integer ?? 0
        var seq = max(head.seq, Int64(lastSeq))
        var prevHash = head.hash
        let events = entries.map { entry in
            seq += 1
            let event = AuditEvent(entry, seq: seq, at: entry.at ?? now, prevHash: prevHash)
            prevHash = event.hash
            return event
        }
        try await insertEvents.run(on: connection, rows: events.map(\.insertBinds))
        _ = try await connection.query(
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [.integer(SQLiteInt64(seq)), .text(prevHash)])
        return events
    }

    private static let insertEvents = MultiRowStatement(
        "INSERT INTO audit_events (seq, at, kind, actor, session_id, detail, prev_hash, hash) VALUES", columns: 8)

    /// The most holes ``verify()`` lists.
    public static let maximumHolesReported = 100

    /// Checks the whole trail and names the first event that was tampered
    /// with; if the chain is intact, checks that the session and statement
    /// records in the same file and the trail match: each record has its
    /// event and says what its event says (see ``AuditHole``).
    ///
    /// Reads one consistent snapshot, a page at a time.
    public func verify() async throws -> AuditVerification {
        try await exclusively {
            try await Self.transaction(connection, immediate: false) {
                var verifier = AuditChainVerifier()
                var after: Int64 = .min
                while true {
                    let page = try await connection.query(
                        "SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT 1000", [.integer(SQLiteInt64(after))]
                    ).map(AuditEvent.init(auditRow:))
                    guard let last = page.last else { break }
                    for event in page {
                        if let broken = verifier.check(event) { return broken }
                    }
                    after = last.seq
                }
                let chain = verifier.finish(head: try await Self.readHead(connection))
                guard case .intact(let count, _) = chain,
                      var holes = try await AuditRecordCheck.holes(on: connection, limit: Self.maximumHolesReported)
                else { return chain }
                let content = try await AuditContentCheck.run(on: connection, limit: Self.maximumHolesReported - holes.count)
                holes += content.differences
                return holes.isEmpty
                    ? .intact(count: count, partlyChecked: content.partlyChecked)
                    : .incomplete(count: count, holes: holes, partlyChecked: content.partlyChecked)
            }
        }
    }

    /// The events at or after `since` (all when nil), in seq order.
    ///
    /// - Parameters:
    ///   - after: only events after this seq, to read a long trail a page at a time.
    ///   - limit: at most this many events; nil for all.
    public func events(since: Date?, after: Int64 = 0, limit: Int? = nil) async throws -> [AuditEvent] {
        try await exclusively {
            // `at` is stored in seconds to the millisecond; events before 1970 do
            // not exist. Rounded in floating point: a far time (a caller that
            // skipped ``AuditSince``) must not trap converting to an integer.
            let from = since.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 } ?? -Double.greatestFiniteMagnitude
            return try await connection.query(
                "SELECT * FROM audit_events WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?",
                [.integer(SQLiteInt64(after)), .float(from), .integer(limit.map { SQLiteInt64($0) } ?? -1)]
            ).map(AuditEvent.init(auditRow:))
        }
    }

    /// The events at or after `since` as JSON lines for a SIEM (see ``AuditExport``).
    public func export(since: Date?) async throws -> [String] {
        try await events(since: since).map(AuditExport.line)
    }

    private static func readHead(_ connection: SQLiteConnection) async throws -> AuditChainVerifier.Head? {
        guard let row = try await connection.query("SELECT seq, hash FROM audit_head WHERE id = 1", []).first else {
            return nil
        }
        return .init(seq: Int64(row.column("seq")?.integer ?? 0), hash: row.column("hash")?.string ?? "")
    }
}

extension AuditLog {
    /// Runs `body` after every earlier call on this instance has finished.
    ///
    /// An actor alone does not serialize: it is re-entered at every `await`,
    /// and two transactions cannot interleave on one connection.
    private func exclusively<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` takes the write lock
    /// up front, so a read-then-write cannot race another writer.
    private static func transaction<T: Sendable>(
        _ connection: SQLiteConnection, immediate: Bool,
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        _ = try await connection.query(immediate ? "BEGIN IMMEDIATE" : "BEGIN", [])
        do {
            let result = try await body()
            _ = try await connection.query("COMMIT", [])
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", [])
            throw error
        }
    }
}

/// An event to append, before it has a place in the chain.
public struct AuditEntry: Sendable {
    public var kind: String
    public var actor: String
    public var sessionID: String?
    public var detail: [String: String]
    /// When it happened; nil means when it is written (the log's clock).
    public var at: Date?

    public init(kind: String, actor: String, sessionID: String? = nil, detail: [String: String] = [:], at: Date? = nil) {
        self.kind = kind
        self.actor = actor
        self.sessionID = sessionID
        self.detail = detail
        self.at = at
    }
}

extension AuditEvent {
    /// `entry` as the event after one with `prevHash`, at position `seq`.
    init(_ entry: AuditEntry, seq: Int64, at: Date, prevHash: String) {
        let atMilliseconds = Self.milliseconds(at)
        let detailJSON = CanonicalJSON.object(entry.detail)
        self.init(
            seq: seq, atMilliseconds: atMilliseconds, kind: entry.kind, actor: entry.actor, sessionID: entry.sessionID,
            detailJSON: detailJSON, prevHash: prevHash,
            hash: AuditHash.compute(
                seq: seq, atMilliseconds: atMilliseconds, kind: entry.kind, actor: entry.actor,
                sessionID: entry.sessionID, detailJSON: detailJSON, prevHash: prevHash))
    }
}
