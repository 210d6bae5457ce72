import CWardenPlugin
import Testing

@testable import WardenPluginSDK

/// Session facts from the host; a field a later ABI minor added is read only
/// when the host's struct is long enough to hold it.
@Suite struct SessionInfoTests {
    func info(size: Int, captureBytes: UInt64) -> SessionInfo {
        var listener = Array("pg".utf8), address = Array("127.0.0.1:5000".utf8)
        return listener.withUnsafeMutableBufferPointer { listener in
            address.withUnsafeMutableBufferPointer { address in
                var info = warden_session_info()
                info.size = UInt32(size)
                info.client_tls_available = 1
                info.listener = warden_bytes(data: listener.baseAddress, length: listener.count)
                info.client_address = warden_bytes(data: address.baseAddress, length: address.count)
                info.result_capture_bytes = captureBytes
                return withUnsafePointer(to: info) { SessionInfo($0) }
            }
        }
    }

    @Test func aCurrentHostSetsTheResultCaptureLimit() {
        let current = info(size: MemoryLayout<warden_session_info>.size, captureBytes: 4096)
        #expect(current.resultCaptureLimit == 4096)
        #expect(current.clientTLSAvailable)
        #expect(current.listener == "pg")
        #expect(current.clientAddress == "127.0.0.1:5000")
    }

    @Test func aHostOlderThanABI11CapturesNothing() throws {
        // A 1.0 host's struct ends after client_address; what follows is not its to give.
        let size = try #require(MemoryLayout<warden_session_info>.offset(of: \warden_session_info.result_capture_bytes))
        let old = info(size: size, captureBytes: 4096)
        #expect(old.resultCaptureLimit == 0)
        #expect(old.clientAddress == "127.0.0.1:5000")
    }
}
