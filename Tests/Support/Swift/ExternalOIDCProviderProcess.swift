import Foundation
import NIOConcurrencyHelpers

/// A running `oidc-provider-mock` (PyPI) started through `Tests/Support/oidc/provider.py`.
///
/// The provider is a real, standard OpenID Connect provider: Warden finds it
/// only through its discovery document and JWKS, exactly as in production.
public final class ExternalOIDCProviderProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static let supportDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("oidc")

    public let issuer: String
    private let process: Process
    /// Held open: the provider exits when it sees end of file, so it cannot
    /// outlive a test run that crashes before ``stop()``.
    private let stdin: Pipe

    private init(issuer: String, process: Process, stdin: Pipe) {
        self.issuer = issuer
        self.process = process
        self.stdin = stdin
    }

    public static func start() async throws -> ExternalOIDCProviderProcess {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("warden-oidc-mock-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", supportDirectory.appendingPathComponent("provider.py").path, "--lifetime", "300"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()

        // Give up after 30 s: terminating the process ends the blocked read below.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let firstLine = await readFirstLine(stdout.fileHandleForReading)
        watchdog.cancel()

        guard let issuer = firstLine, issuer.hasPrefix("http://127.0.0.1:") else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure(description: """
                the external OIDC provider (Tests/Support/oidc/provider.py) did not start \
                (exit status \(process.terminationStatus)). It needs python3 on PATH and the PyPI \
                package oidc-provider-mock: run `pip install oidc-provider-mock`. Its output:
                \(errors.suffix(2000))
                """)
        }
        return ExternalOIDCProviderProcess(issuer: issuer, process: process, stdin: stdin)
    }

    /// An ID token for `subject` with `groups`, issued to client id `audience`
    /// through the provider's authorization-code flow (see `id_token.py`).
    public func idToken(subject: String, groups: [String], audience: String) async throws -> String {
        let script = Self.supportDirectory.appendingPathComponent("id_token.py").path
        let (status, output, errors) = await Self.run(
            ["python3", script, issuer, subject, groups.joined(separator: ","), audience])
        let token = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, token.split(separator: ".").count == 3 else {
            throw Failure(description: "id_token.py failed (exit status \(status)): \(errors.suffix(2000))")
        }
        return token
    }

    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
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

    private static func run(_ arguments: [String]) async -> (Int32, String, String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
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
