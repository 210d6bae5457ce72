/// Runs a set of detectors over a value and resolves their findings into
/// non-overlapping spans.
///
/// Overlapping findings (an IPv4 address inside an IPv6 one, digits of an
/// IBAN that also look like a card) are merged into one span covering both:
/// every byte any detector flagged is masked, which is the safe choice when
/// detectors disagree. The merged span takes the kind of its longest finding,
/// which decides how a style like `email` masks it.
struct ContentScanner: Sendable {
    private let detectors: [(kind: DetectorKind, detector: any Detector)]

    init(kinds: [DetectorKind]) {
        self.detectors = kinds.flatMap { kind in kind.detectors.map { (kind, $0) } }
    }

    func detects(_ kind: DetectorKind) -> Bool {
        detectors.contains { $0.kind == kind }
    }

    func scan(_ text: [UInt8]) -> [Detection] {
        let traits = TextTraits(text)
        var found: [Detection] = []
        for (kind, detector) in detectors where detector.mayMatch(traits) {
            found.append(contentsOf: detector.spans(in: text).map { Detection(range: $0, kind: kind) })
        }
        return Self.merge(found)
    }

    /// Sorts findings and merges those that overlap.
    static func merge(_ findings: [Detection]) -> [Detection] {
        let sorted = findings.filter { !$0.range.isEmpty }.sorted {
            ($0.range.lowerBound, $1.range.count) < ($1.range.lowerBound, $0.range.count)
        }
        var merged: [Detection] = []
        var longest = 0  // the length of the longest finding in the last merged span
        for finding in sorted {
            guard let last = merged.last, finding.range.lowerBound < last.range.upperBound else {
                merged.append(finding)
                longest = finding.range.count
                continue
            }
            let kind = finding.range.count > longest ? finding.kind : last.kind
            longest = max(longest, finding.range.count)
            merged[merged.count - 1] = Detection(
                range: last.range.lowerBound..<max(last.range.upperBound, finding.range.upperBound), kind: kind)
        }
        return merged
    }
}
