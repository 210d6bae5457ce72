import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Python script under `Tests/Support` running as a test fixture: a real
/// server that prints where it listens (`SCHEME://127.0.0.1:PORT`) as the
/// first line on stdout, then serves until its stdin reaches end of file.
///
/// Its stdin is held open while the fixture runs, so the script cannot
/// outlive a test run that crashes before ``stop()``. Its stderr goes to a
/// log file, which ``output()`` reads and ``stop()`` removes. Nothing reads
/// its stdout after the first line: the script must print nothing more there.
public final class PythonFixtureProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `Tests/Support`.
    public static let supportDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The first line the script printed, without its newline.
    public let firstLine: String
    /// The port at the end of ``firstLine``.
    public let port: Int
    private let process: Process
    private let stdin: Pipe
    private let log: URL

    private init(firstLine: String, port: Int, process: Process, stdin: Pipe, log: URL) {
        self.firstLine = firstLine
        self.port = port
        self.process = process
        self.stdin = stdin
        self.log = log
    }

    /// Runs `python3 Tests/Support/SCRIPT ARGUMENTS…` and waits, at most
    /// `timeout` seconds, for its first line on stdout: `prefix` and a port.
    ///
    /// - Parameters:
    ///   - name: what the script is, for the error (`"the HTTP upstream"`).
    ///   - script: its path under `Tests/Support` (`"http/upstream.py"`).
    ///   - prefix: how its first line starts (`"http://127.0.0.1:"`); the port follows.
    ///   - requirement: what it needs besides python3, named in the error when
    ///     it does not start (`"the PyPI package websockets: run `pip install websockets`"`).
    public static func start(
        name: String, script: String, arguments: [String] = [], expecting prefix: String,
        requirement: String, timeout: TimeInterval = 30
    ) async throws -> PythonFixtureProcess {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("warden-fixture-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", supportDirectory.appendingPathComponent(script).path] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        do {
            process.standardError = try FileHandle(forWritingTo: log)
            try await spawn(process)
        } catch {
            try? FileManager.default.removeItem(at: log)
            throw Failure(description: "\(name) (Tests/Support/\(script)): cannot run python3: \(error)")
        }

        // Give up after `timeout`: ending the process ends the blocked read below.
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let firstLine = await readFirstLine(stdout.fileHandleForReading)
        watchdog.cancel()

        guard let line = firstLine, line.hasPrefix(prefix), let port = Int(line.dropFirst(prefix.count)) else {
            try? stdin.fileHandleForWriting.close()
            end(process)
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: log)
            let printed = firstLine.map { " It printed: \($0)." } ?? ""
            let ended = process.terminationReason == .uncaughtSignal
                ? "killed by signal \(process.terminationStatus)" : "exit status \(process.terminationStatus)"
            throw Failure(description: """
                \(name) (Tests/Support/\(script)) did not start (\(ended)).\(printed) \
                It needs python3 on PATH and \(requirement). Its output:
                \(errors.suffix(2000))
                """)
        }
        return PythonFixtureProcess(firstLine: line, port: port, process: process, stdin: stdin, log: log)
    }

    /// What the script wrote to stderr so far (its log); empty after ``stop()``.
    public func output() -> String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    /// Ends the script: end of file on its stdin and SIGTERM, then SIGKILL
    /// if it still runs 10 seconds later. Calling it again does nothing.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        Self.end(process)
        try? FileManager.default.removeItem(at: log)
    }

    /// SIGTERM, then SIGKILL if `process` still runs `grace` seconds later.
    private static func end(_ process: Process, grace: TimeInterval = 10) {
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `process.run()` on a thread of its own whose signal mask is empty.
    ///
    /// On Linux, Foundation's `Process` starts the child with the signal mask
    /// of the thread that calls `run()`, and the threads that run Swift
    /// concurrency's jobs block SIGTERM and SIGINT: a child started from one
    /// of them would ignore `terminate()` and its own SIGINT handling
    /// (gunicorn's arbiter stops on SIGINT, which it sends itself at EOF).
    private static func spawn(_ process: Process) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                unblockSignals()
                do {
                    try process.run()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func readFirstLine(_ handle: FileHandle) async -> String? {
        // Blocking reads run on threads of their own, never on a worker of the
        // pool that Swift concurrency's jobs share (DispatchQueue.global()).
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    if buffer.contains(UInt8(ascii: "\n")) { break }
                }
                let line = buffer.split(separator: UInt8(ascii: "\n")).first.map { String(decoding: $0, as: UTF8.self) }
                continuation.resume(returning: line)
            }
        }
    }

    /// Empties the calling thread's signal mask, which a child started from
    /// it inherits (see ``spawn(_:)``).
    private static func unblockSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
    }

    /// Runs `/usr/bin/env ARGUMENTS…` to its end: exit status, stdout, stderr.
    static func run(_ arguments: [String]) async -> (Int32, String, String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                unblockSignals()
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = arguments
                let stdout = Pipe()
                let stderr = Pipe()
                process.standardOutput = stdout
                process.standardError = stderr
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(returning: (-1, "", "cannot run \(arguments[0]): \(error)"))
                    return
                }
                // Read stderr concurrently so neither pipe can fill up and stall the child.
                let errorData = NIOLockedValueBox(Data())
                let group = DispatchGroup()
                group.enter()
                Thread.detachNewThread {
                    let data = stderr.fileHandleForReading.readDataToEndOfFile()
                    errorData.withLockedValue { $0 = data }
                    group.leave()
                }
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: (
                    process.terminationStatus, String(decoding: output, as: UTF8.self),
                    errorData.withLockedValue { String(decoding: $0, as: UTF8.self) }
                ))
            }
        }
    }
}
