import Foundation

/// `Tests/Support/net/idle_connections.py`: a process that holds many idle
/// TCP connections to the gateway and reports how many the gateway closed.
/// The connections live in that process, not in the test runner, where a
/// few thousand descriptors have crashed Foundation's `Process.run`.
final class IdleConnectionsProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = Data()

    /// Opens `count` connections to 127.0.0.1:`port`; returns once they are all open.
    init(port: Int, count: Int) throws {
        let script = Paths.repositoryRoot.appendingPathComponent("Tests/Support/net/idle_connections.py").path
        process.executableURL = URL(fileURLWithPath: try Command.resolve("python3"))
        process.arguments = [script, "\(port)", "\(count)"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let process = self.process
        Cleanup.atExit { if process.isRunning { process.terminate() } }
        let first = readLine()
        guard first == "opened \(count)" else {
            stop()
            throw TestSetupError("idle_connections.py: \(first ?? "no answer")")
        }
    }

    /// How many connections the gateway has closed so far.
    func closedSoFar() throws -> Int {
        try ask("status")
    }

    /// Waits until the gateway has closed every connection or `limit` seconds
    /// pass (a bound on the test, not a measured duration); how many it closed.
    func waitUntilAllClosed(atMost limit: Int) throws -> Int {
        try ask("wait \(limit)")
    }

    /// Ends the helper, which closes whatever is still open.
    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func ask(_ command: String) throws -> Int {
        input.fileHandleForWriting.write(Data("\(command)\n".utf8))
        let line = readLine() ?? ""
        guard line.hasPrefix("closed "), let count = Int(line.dropFirst("closed ".count)) else {
            throw TestSetupError("idle_connections.py answered '\(line)' to '\(command)'")
        }
        return count
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffered.append(chunk)
        }
    }
}
