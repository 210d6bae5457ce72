/// US Social Security numbers written `ddd-dd-dddd`, and taxpayer numbers
/// in the same form (ITINs and the like, area 900–999), which identify a
/// person as well.
///
/// Numbers never issued are not matched: area 000 or 666, group 00, serial
/// 0000. Unformatted nine-digit strings are matched only in a field that
/// names itself an SSN (``isSSNField(name:source:)``): elsewhere they are
/// indistinguishable from ids.
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
        return isIssuable(area: area, group: group, serial: serial)
    }

    private static func isIssuable(area: Int, group: Int, serial: Int) -> Bool {
        area != 0 && area != 666 && group != 0 && serial != 0
    }

    /// A whole value of nine digits (spaces around allowed) that could be
    /// an SSN or ITIN: how they are often stored in a column of their own.
    static func isUnformattedSSN(_ text: [UInt8]) -> Bool {
        let digits = text.drop { $0 == UInt8(ascii: " ") }.reversed().drop { $0 == UInt8(ascii: " ") }.reversed()
        guard digits.count == 9, digits.allSatisfy(ASCII.isDigit) else { return false }
        let value = Array(digits)
        return isIssuable(area: number(value, 0..<3), group: number(value, 3..<5), serial: number(value, 5..<9))
    }

    /// Whether a field's name or source column says it holds SSNs.
    static func isSSNField(name: String, source: String) -> Bool {
        let column = source.split(separator: ".").last.map { String($0).lowercased() } ?? ""
        return ssnFieldNames.contains(name.lowercased()) || ssnFieldNames.contains(column)
    }

    /// Built once: this runs for every value a detector sees.
    private static let ssnFieldNames: Set<String> = [
        "ssn", "social_security_number", "socialsecuritynumber", "itin", "tin", "taxpayer_id",
    ]

    private static func number(_ text: [UInt8], _ range: Range<Int>) -> Int {
        text[range].reduce(0) { $0 * 10 + ASCII.digitValue($1) }
    }
}
