/// Parses durations written as people write them: `90s`, `15m`, `1h`, `1h30m`, `2d`.
///
/// Strict, so that one text cannot be read two ways: ASCII digits only (no
/// `١h` or `²m`), lowercase or uppercase units `d`, `h`, `m`, `s`, each at
/// most once and largest first (`1h30m`, not `30m1h` or `1h1h`), a whole
/// number before each, and a total from one second to ``maximum``.
public enum DurationText {
    /// 100 years (`36500d`): the longest duration any setting, parameter or
    /// option accepts. Longer ones are refused rather than overflow a clock.
    public static let maximum: Duration = .seconds(maximumSeconds)
    static let maximumSeconds: Int64 = 36_500 * 86_400

    /// How a refusal names the accepted range, for error messages.
    public static let rangeDescription = "from 1s to 36500d (100 years)"

    public static func parse(_ text: String) -> Duration? {
        let units: [(letter: UInt8, seconds: Int64)] = [
            (UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3_600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1),
        ]
        var total: Int64 = 0
        var number: Int64?
        // Units must come largest first: the index of the next one allowed.
        var nextUnit = 0
        for byte in text.utf8 {
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                number = (number ?? 0) * 10 + Int64(byte - UInt8(ascii: "0"))
                // Past the maximum in any unit: refuse before anything can overflow.
                guard number! <= maximumSeconds else { return nil }
                continue
            }
            let letter = byte | 0x20  // ASCII lowercase; other bytes stay unmatched
            guard let value = number,
                  let index = units[nextUnit...].firstIndex(where: { $0.letter == letter })
            else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: units[index].seconds)
            guard !overflow, product <= maximumSeconds - total else { return nil }
            total += product
            number = nil
            nextUnit = index + 1
        }
        guard number == nil, total > 0 else { return nil }
        return .seconds(total)
    }
}

extension DurationText {
    /// The shortest way people write a whole number of seconds: `90s`, `15m`, `1h30m`.
    public static func format(_ duration: Duration) -> String {
        var rest = max(duration.components.seconds, 0)
        guard rest > 0 else { return "0s" }
        var text = ""
        for (unit, name) in [(Int64(86400), "d"), (3600, "h"), (60, "m"), (1, "s")] where rest >= unit {
            text += "\(rest / unit)\(name)"
            rest %= unit
        }
        return text
    }
}
