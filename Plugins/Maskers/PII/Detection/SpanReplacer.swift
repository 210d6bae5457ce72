/// Rebuilds a value with each detected span replaced by its masked form;
/// every byte outside the spans is copied unchanged.
enum SpanReplacer {
    static func replace(_ detections: [Detection], in text: [UInt8], style: MaskStyle, json: JSONLayout?) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.count + 16 * detections.count)
        var cursor = 0
        for detection in detections {
            let pieces = json?.pieces(of: detection.range) ?? [(detection.range, false)]
            for (range, quoted) in pieces {
                // Two spans that widen into the same bare JSON value mask it once.
                let range = max(range.lowerBound, cursor)..<range.upperBound
                guard !range.isEmpty else { continue }
                output.append(contentsOf: text[cursor..<range.lowerBound])
                let masked = style.mask(span: String(decoding: text[range], as: UTF8.self), kind: detection.kind)
                output.append(contentsOf: (quoted ? JSONLayout.quoted(masked) : masked).utf8)
                cursor = range.upperBound
            }
        }
        output.append(contentsOf: text[cursor...])
        return String(decoding: output, as: UTF8.self)
    }
}
