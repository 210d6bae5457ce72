import Foundation
import Testing

/// The harness itself: blocking work under ``OwnThreads`` leaves the
/// cooperative pool free for the rest of the test process.
@Suite struct OwnThreadsTests {
    /// More jobs block than the cooperative pool has threads, and only a task
    /// on that pool can release them: on the pool this would never finish
    /// (each wait gives up after a minute, and the test fails).
    @Test func blockingJobsOnOwnThreadsLeaveTheCooperativePoolFree() async {
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 2
        let release = DispatchSemaphore(value: 0)
        let finished = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<blockers {
                group.addTask(executorPreference: OwnThreads.shared) { Self.wait(for: release) }
            }
            group.addTask {
                for _ in 0..<blockers { release.signal() }
                return true
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(finished == blockers + 1)
    }

    /// A blocking wait, as the integration tests' process helpers make.
    private static func wait(for semaphore: DispatchSemaphore) -> Bool {
        semaphore.wait(timeout: .now() + 60) == .success
    }
}
