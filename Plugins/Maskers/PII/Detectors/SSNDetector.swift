/// US Social Security numbers written `ddd-dd-dddd`.
///
/// Numbers the SSA never issues are not matched: area 000, 666 or 900–999,
/// group 00, serial 0000. Unformatted nine-digit strings are not matched
/// either: without the hyphens they are indistinguishable from ids.
struct SSNDetector: Detector {
    static let joiners: Joiners = [.dot, .hyphen]

    func mayMatch(_ traits: TextTraits) -> Bool { traits.isSuperset(of: [.digit, .hyphen]) }

    func spans(in text: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index + 11 <= text.count {
            if Self.isSSN(text, at: index) {
                spans.append(index..<index + 11)
                index += 11
            } else {
                index += 1
            }
        }
        return spans
    }

    static func isSSN(_ text: [UInt8], at start: Int) -> Bool {
        let hyphen = UInt8(ascii: "-")
        guard text[start + 3] == hyphen, text[start + 6] == hyphen else { return false }
        for offset in 0..<11 where offset != 3 && offset != 6 && !ASCII.isDigit(text[start + offset]) { return false }
        guard text.numberStarts(at: start, joiners: joiners), text.numberEnds(at: start + 11, joiners: joiners) else {
            return false
        }
        let area = number(text, start..<start + 3)
        let group = number(text, start + 4..<start + 6)
        let serial = number(text, start + 7..<start + 11)
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    private static func number(_ text: [UInt8], _ range: Range<Int>) -> Int {
        text[range].reduce(0) { $0 * 10 + ASCII.digitValue($1) }
    }
}
