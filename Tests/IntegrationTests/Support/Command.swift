import Foundation

/// The result of running a program to completion.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }
}

enum Command {
    /// Runs `executable` with `arguments` and waits; never throws for a non-zero exit.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        directory: String? = nil, input: String? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        // On a thread of its own: a blocking read on DispatchQueue.global() would
        // hold a worker of the pool Swift concurrency's jobs run on (see OwnThreads).
        let errorData = LockedData()
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            errorData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.get(), as: UTF8.self))
    }

    /// Finds a program on PATH (or returns an absolute path as is).
    static func resolve(_ name: String) throws -> String {
        if name.hasPrefix("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSetupError("\(name) is not installed (scripts/test installs it)")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class LockedData: @unchecked Sendable {
    // @unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func append(_ value: Data) { lock.withLock { data.append(value) } }
    func get() -> Data { lock.withLock { data } }
}

/// A program a test talks to while it runs: lines to its standard input,
/// and its output collected as it comes.
final class InteractiveCommand: @unchecked Sendable {
    // @unchecked: the process is driven from the owning test; outputs are locked.
    private let process = Process()
    private let input = Pipe()
    private let stdoutData = LockedData()
    private let stderrData = LockedData()
    /// Left when each output reaches its end.
    private let outputsEnded = DispatchGroup()

    var stdout: String { String(decoding: stdoutData.get(), as: UTF8.self) }
    var stderr: String { String(decoding: stderrData.get(), as: UTF8.self) }
    var isRunning: Bool { process.isRunning }

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: try Command.resolve(executable))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        let ended = outputsEnded
        for (pipe, data) in [(out, stdoutData), (err, stderrData)] {
            ended.enter()
            let handle = pipe.fileHandleForReading
            // A blocking reader on a thread of its own: a readabilityHandler
            // sometimes never saw the end of the output once the suites ran
            // in parallel, and finish() then waited for ever.
            Thread.detachNewThread {
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    data.append(chunk)
                }
                ended.leave()
            }
        }
        try process.run()
        let process = self.process
        Cleanup.atExit { if process.isRunning { process.terminate() } }
    }

    /// Sends one line.
    func send(_ line: String) {
        try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Waits until the standard output contains `text`, or the program exits.
    func waitForOutput(_ text: String) {
        while !stdout.contains(text) && process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Closes its input and waits for it to exit; returns its exit status.
    @discardableResult
    func finish() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        outputsEnded.wait()
        return process.terminationStatus
    }
}
