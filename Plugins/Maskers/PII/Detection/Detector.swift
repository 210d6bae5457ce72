/// Finds one kind of sensitive content in text.
///
/// Detectors work on the UTF-8 bytes of a value and return byte ranges, in
/// ascending order and not overlapping each other. They are pure and
/// stateless, so one instance serves every session.
protocol Detector: Sendable {
    func spans(in text: [UInt8]) -> [Range<Int>]

    /// False when no match can exist in a value with these traits; the
    /// scanner then skips ``spans(in:)``. Must never be false for a value
    /// that holds a match.
    func mayMatch(_ traits: TextTraits) -> Bool
}

extension Detector {
    func mayMatch(_ traits: TextTraits) -> Bool { true }
}
