/// The content detectors an operator can name in a rule's `detect` option.
enum DetectorKind: String, CaseIterable, Sendable {
    case email, card, phone, ssn, iban, ip, secret

    /// The detectors behind this name.
    var detectors: [any Detector] {
        switch self {
        case .email: [EmailDetector()]
        case .card: [CardDetector()]
        case .phone: [PhoneDetector()]
        case .ssn: [SSNDetector()]
        case .iban: [IBANDetector()]
        case .ip: [IPv4Detector(), IPv6Detector()]
        case .secret: [PrivateKeyDetector(), TokenDetector(), KnownTokenDetector(), SecretAssignmentDetector()]
        }
    }

    /// Parses a `detect` option: comma-separated names, or `all`.
    static func parse(list: String) throws(OptionError) -> [DetectorKind] {
        var kinds: [DetectorKind] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingSpaces.lowercased()
            if name == "all" {
                kinds.append(contentsOf: allCases)
            } else if let kind = DetectorKind(rawValue: name) {
                kinds.append(kind)
            } else if name.isEmpty {
                throw OptionError(option: "detect", "lists an empty detector name in '\(list)'")
            } else {
                throw OptionError(option: "detect", "names an unknown detector '\(name)'; known: \(knownNames)")
            }
        }
        // Keep the order of allCases and drop repeats, so "all, email" is the same as "all".
        return allCases.filter(kinds.contains)
    }

    static var knownNames: String { (allCases.map(\.rawValue) + ["all"]).joined(separator: ", ") }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
