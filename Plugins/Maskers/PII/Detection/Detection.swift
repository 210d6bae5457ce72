/// A span of sensitive content found in a value: UTF-8 byte offsets and the
/// detector that found it.
struct Detection: Equatable, Sendable {
    var range: Range<Int>
    var kind: DetectorKind
}
