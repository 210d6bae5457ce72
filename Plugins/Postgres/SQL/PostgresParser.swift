import CPgQuery
import Foundation  // strlen

/// PostgreSQL's own parser (libpg_query, the server's grammar and lexer
/// compiled as a library), so that Warden reads a statement exactly as the
/// server will: the same quoting, escapes, comments, `U&` identifiers and
/// statement boundaries.
///
/// It lexes as the server does with `standard_conforming_strings = on`; the
/// plugin pins that setting and `client_encoding = UTF8` on every upstream
/// session (see ``ClientStartup`` and ``PinnedSettings``), so the two
/// readings cannot differ. libpg_query keeps its memory per thread, so calls
/// from several event loops at once are safe.
package enum PostgresParser {
    /// Why the parser rejected a text: the server would reject it too, so
    /// nothing in it runs, but where it ends is in doubt.
    package struct Failure: Error, Equatable, Sendable {
        var message: String
        /// 1-based character position the parser stopped at; 0 when unknown.
        var position: Int
    }

    /// The parse tree of every statement in `sql`, in order.
    package static func parse(_ sql: String) -> Result<[ParseNode], Failure> {
        DeepStack.run(for: sql) { parseHere(sql) }
    }

    private static func parseHere(_ sql: String) -> Result<[ParseNode], Failure> {
        let result = pg_query_parse(sql)
        defer { pg_query_free_parse_result(result) }
        if let error = result.error { return .failure(failure(error.pointee)) }
        guard let tree = result.parse_tree else {
            return .failure(Failure(message: "the parser returned no tree", position: 0))
        }
        let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(tree).assumingMemoryBound(to: UInt8.self), count: strlen(tree))
        guard case .object(let root) = try? ParseTreeJSON.read(buffer) else {
            return .failure(Failure(message: "the parse tree could not be read", position: 0))
        }
        guard case .array(let entries) = root.first(where: { $0.key == "stmts" })?.value ?? .array([]) else {
            return .failure(Failure(message: "the parse tree could not be read", position: 0))
        }
        let statements = entries.compactMap { entry in ParseNode(entry)?.node("stmt") }
        return .success(statements)
    }

    /// `sql` with every constant replaced by a parameter (`$1`, `$2`, …):
    /// the statement's shape. Two texts with the same shape parse to the same
    /// tree but for the constants' values.
    package static func normalize(_ sql: String) -> Result<String, Failure> {
        DeepStack.run(for: sql) { normalizeHere(sql) }
    }

    private static func normalizeHere(_ sql: String) -> Result<String, Failure> {
        let result = pg_query_normalize(sql)
        defer { pg_query_free_normalize_result(result) }
        if let error = result.error { return .failure(failure(error.pointee)) }
        guard let normalized = result.normalized_query else {
            return .failure(Failure(message: "the parser returned no text", position: 0))
        }
        return .success(String(cString: normalized))
    }

    private static func failure(_ error: PgQueryError) -> Failure {
        Failure(message: error.message.map { String(cString: $0) } ?? "syntax error", position: Int(error.cursorpos))
    }
}
