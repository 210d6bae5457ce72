import Foundation

/// Runs work that recurses once per nesting level of a statement on a
/// thread with a stack large enough for the deepest statement a connection
/// accepts.
///
/// libpg_query's output and normalization walk the parse tree recursively
/// without a depth check: `SELECT 1+1+…+1` with 30,000 terms (60 KB) ends
/// the whole gateway on an event loop's 8 MiB stack. A statement of N bytes
/// nests at most N/2 levels, a few hundred bytes of stack each, so 1 GiB
/// covers far more than the 512 KiB default limit allows; only the pages
/// actually touched are ever committed.
enum DeepStack {
    /// Texts at least this long are parsed on a deep stack; shorter ones
    /// cannot nest deeply enough to matter.
    static let threshold = 8 << 10
    static let stackBytes = 1 << 30

    static func run<Result>(for text: String, _ body: @escaping () -> Result) -> Result {
        guard text.utf8.count >= threshold else { return body() }
        var result: Result?
        guard let thread = start(detached: false, { result = body() }) else {
            // No thread to be had: parse here rather than not at all.
            return body()
        }
        pthread_join(thread, nil)
        return result!
    }

    /// Runs `body` on a new deep-stack thread and returns at once; false
    /// when no thread could be made (the caller then does the work itself).
    static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        start(detached: true, body) != nil
    }

    /// A new thread with a deep stack running `body`; nil when none could be made.
    private static func start(detached: Bool, _ body: @escaping () -> Void) -> pthread_t? {
        let work = Unmanaged.passRetained(DeepStackWork(body))
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            Unmanaged<DeepStackWork>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, work.toOpaque())
        guard created == 0 else {
            work.release()
            return nil
        }
        return thread
    }
}

/// The work handed to the deep-stack thread.
private final class DeepStackWork {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
