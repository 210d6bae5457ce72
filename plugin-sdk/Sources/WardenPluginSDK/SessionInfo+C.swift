import CWardenPlugin

extension SessionInfo {
    /// Copies the host's borrowed session facts. Fields a newer ABI minor
    /// added are read only when the host's struct is long enough to hold them.
    init(_ info: UnsafePointer<warden_session_info>) {
        let size = info.pointee.size
        self.init(
            clientTLSAvailable: info.pointee.client_tls_available != 0,
            clientTLSActive: info.pointee.client_tls_active != 0,
            listener: info.pointee.listener.string, clientAddress: info.pointee.client_address.string,
            resultCaptureLimit: sizeCovers(size, \warden_session_info.result_capture_bytes)
                ? Int(clamping: info.pointee.result_capture_bytes) : 0)
        if sizeCovers(size, \warden_session_info.option_count), let pairs = info.pointee.options {
            for pair in UnsafeBufferPointer(start: pairs, count: info.pointee.option_count) {
                options[pair.key.string] = pair.value.string
            }
        }
    }
}
