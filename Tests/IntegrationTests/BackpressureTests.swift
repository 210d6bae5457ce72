import Foundation
import Testing

/// A client that stops reading must not make the gateway buffer what the
/// upstream keeps sending: the gateway stops reading the upstream instead.
@Suite(.ownThreads) struct BackpressureTests {
    @Test func aSlowReaderDoesNotMakeTheGatewayBufferTheResult() async throws {
        let gateway = try GatewayProcess(postgres: try await PostgresServer.shared())
        defer { gateway.stop() }
        let token = try gateway.devToken(subject: "alice", groups: ["analysts"])
        let baseline = try #require(gateway.residentKiB)

        // About 200 MiB of COPY data. psql writes each row to its stdout as it
        // arrives; nobody reads that pipe yet, so psql stops reading the socket.
        let output = Pipe()
        let psql = try gateway.launchPsql(
            "COPY (SELECT repeat('x', 1000) FROM generate_series(1, 200000)) TO STDOUT", password: token,
            output: output, errors: FileHandle.nullDevice)
        try await Task.sleep(for: .seconds(4))
        let held = try #require(gateway.residentKiB)

        // Now read everything: all rows arrive, nothing was lost.
        var bytes = 0
        while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
            bytes += chunk.count
        }
        psql.waitUntilExit()
        #expect(psql.terminationStatus == 0)
        #expect(bytes == 200_000 * 1001)
        // Unbounded buffering would have grown by the whole result (~200 MiB).
        #expect(held - baseline < 64 * 1024, "gateway grew from \(baseline) KiB to \(held) KiB while the client was not reading")
    }
}
