/// Parses durations written as people write them: `90s`, `15m`, `1h`, `1h30m`.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        var total: Int64 = 0
        var number: Int64?
        var sawUnit = false
        for character in text.lowercased() {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                guard number! < 1_000_000_000 else { return nil }
                continue
            }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: return nil
            }
            guard let value = number else { return nil }
            total += value * unit
            number = nil
            sawUnit = true
        }
        guard number == nil, sawUnit, total > 0 else { return nil }
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
