import WardenSQLCore
import Foundation
import WardenPluginSDK

/// What the session needs to know of a statement before asking for a
/// verdict: its policy action and, on a connection with masking, how masked
/// data flows through it. A pure function of the text and the connection's
/// masking setup, so it can be made on any thread.
struct StatementAnalysis: Sendable {
    var action: Action
    var masking: MaskedDataFlow.Analysis?

    /// Texts at least this long are analysed on a thread of their own: at
    /// about 150 ns a byte, a 512 KiB statement would hold an event loop,
    /// and every session on it, for most of 100 ms.
    static let offloadBytes = 16 << 10

    static func make(_ text: String, shapes: StatementShapes, flow: MaskedDataFlow?) -> StatementAnalysis {
        StatementAnalysis(action: shapes.classification(of: text).action(for: text), masking: flow?.analysis(of: text))
    }
}

/// Carries an analysis from the thread that makes it to the session that
/// waits for it.
final class PendingAnalysis: @unchecked Sendable {
    // NSLock rather than Mutex, which needs macOS 15 (see StatementShapes);
    // every access to `result` holds `lock`.
    let text: String
    let prepared: Bool
    let request: RequestID
    private let lock = NSLock()
    private var result: StatementAnalysis?

    init(text: String, prepared: Bool, request: RequestID) {
        self.text = text
        self.prepared = prepared
        self.request = request
    }

    func finish(_ analysis: StatementAnalysis) {
        lock.withLock { result = analysis }
    }

    func take() -> StatementAnalysis? {
        lock.withLock {
            defer { result = nil }
            return result
        }
    }
}
