import CWardenPlugin

extension SessionContext {
    /// Masks one batch of fields (a row or a document) with the maskers the
    /// host's rules choose for this session. Returns the new value of each
    /// field that changes, by index in `fields`; an empty result means every
    /// value may pass as it is.
    public func mask(_ fields: [Field]) throws(HostStatus) -> [Int: String] {
        let collector = MaskCollector()
        var arena: [UInt8] = []
        let ranges = fields.map { field in
            [field.name, field.source, field.typeName, field.value ?? ""].map { text -> Range<Int> in
                let start = arena.count
                arena.append(contentsOf: text.utf8)
                return start..<arena.count
            }
        }
        let status = arena.withUnsafeBufferPointer { base in
            let slices = ranges.enumerated().map { index, parts in
                warden_field(
                    size: UInt32(MemoryLayout<warden_field>.size), is_null: fields[index].value == nil ? 1 : 0,
                    name: slice(base, parts[0]), source: slice(base, parts[1]),
                    type_name: slice(base, parts[2]), value: slice(base, parts[3]))
            }
            return slices.withUnsafeBufferPointer { batch in
                withExtendedLifetime(collector) {
                    api.pointee.mask?(
                        session, batch.baseAddress, batch.count, maskSink,
                        Unmanaged.passUnretained(collector).toOpaque())
                }
            }
        }
        try check(status)
        return collector.values
    }
}

private func slice(_ base: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> warden_bytes {
    guard let start = base.baseAddress, !range.isEmpty else { return warden_bytes(data: nil, length: 0) }
    return warden_bytes(data: start + range.lowerBound, length: range.count)
}

/// Receives the host's masked values during one `mask` call.
private final class MaskCollector {
    var values: [Int: String] = [:]
}

private let maskSink: @convention(c) (UnsafeMutableRawPointer?, Int, warden_bytes) -> Void = { context, index, value in
    guard let context else { return }
    Unmanaged<MaskCollector>.fromOpaque(context).takeUnretainedValue().values[index] = value.string
}
