import Foundation

/// The SASLprep normalisation (RFC 4013) that SCRAM applies to passwords,
/// reduced to what PostgreSQL's own `pg_saslprep` makes observable.
///
/// PostgreSQL falls back to the raw password whenever SASLprep fails, so a
/// conservative implementation stays compatible: ASCII passwords pass through
/// untouched; others are mapped and NFKC-normalised, and anything containing a
/// prohibited character is used as is.
enum SASLPrep {
    static func normalize(_ password: String) -> String {
        if password.utf8.allSatisfy({ $0 < 0x80 }) { return password }
        var mapped = String.UnicodeScalarView()
        for scalar in password.unicodeScalars {
            if mappedToNothing.contains(scalar.value) { continue }
            // Non-ASCII spaces (RFC 3454 C.1.2) map to SPACE.
            if scalar.properties.generalCategory == .spaceSeparator, scalar.value != 0x20 {
                mapped.append(" ")
            } else {
                mapped.append(scalar)
            }
        }
        let normalized = String(mapped).precomposedStringWithCompatibilityMapping
        for scalar in normalized.unicodeScalars where isProhibited(scalar) {
            return password
        }
        return normalized
    }

    /// RFC 3454 table B.1: characters "commonly mapped to nothing".
    private static let mappedToNothing: Set<UInt32> = [
        0x00AD, 0x034F, 0x1806, 0x180B, 0x180C, 0x180D, 0x200B, 0x200C, 0x200D, 0x2060,
        0xFE00, 0xFE01, 0xFE02, 0xFE03, 0xFE04, 0xFE05, 0xFE06, 0xFE07,
        0xFE08, 0xFE09, 0xFE0A, 0xFE0B, 0xFE0C, 0xFE0D, 0xFE0E, 0xFE0F, 0xFEFF,
    ]

    /// Control characters, private use and non-characters (the bulk of RFC 4013 §2.3).
    private static func isProhibited(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .privateUse, .surrogate, .unassigned: return true
        default: return scalar.properties.isNoncharacterCodePoint
        }
    }
}
