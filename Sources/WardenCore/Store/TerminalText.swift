/// Text from clients made safe to print on an operator's terminal.
///
/// A statement can carry escape sequences (`ESC[8m` hides the rest of a
/// line, `ESC]…` sets the window title) and bidirectional overrides that
/// reorder what an approver reads. They are shown as `\x1B`, `\u{202E}`:
/// visible, and inert.
enum TerminalText {
    static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A where keepingNewlines, 0x09:
                out.unicodeScalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F:
                out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
