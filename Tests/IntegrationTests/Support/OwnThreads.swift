import Foundation
import Testing

/// A task executor that runs every job on a thread of its own.
///
/// The integration tests drive real processes with blocking calls: `Process`
/// and `waitUntilExit`, pipe reads to end of file, `Thread.sleep` while
/// polling. On Swift concurrency's cooperative pool, which has one thread
/// per core (two on the development machine and CI) and never adds one for
/// a blocked thread, two such tests at once leave no thread for anything
/// else in the test process: the in-process admin API of `AdminServerTests`
/// stopped answering, and its client's 10 s deadline ran out (issue
/// "PostgreSQL under attack", item 4). Jobs that run here block only their
/// own thread.
final class OwnThreads: TaskExecutor {
    static let shared = OwnThreads()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let thread = Thread { job.runSynchronously(on: executor) }
        thread.name = "warden-test-own-thread"
        thread.start()
    }
}

/// Runs each test of a suite, its `init` included, with ``OwnThreads`` as
/// its task executor preference, so the blocking calls these tests make
/// never hold a thread of the cooperative pool. Every suite that starts
/// processes or sleeps carries it: `@Suite(.ownThreads)`.
struct OwnThreadsTrait: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(OwnThreads.shared) {
            try await function()
        }
    }
}

extension Trait where Self == OwnThreadsTrait {
    /// Runs the tests on threads of their own; see ``OwnThreads``.
    static var ownThreads: Self { Self() }
}
