import WardenPluginSDK

/// The first-party masker plugin `pii`: maskers for personal data and secrets.
///
/// Configuration names a masker as `pii.<style>`; the host creates one
/// instance per masking rule, passing the rule's options as strings:
///
/// ```yaml
/// masking:
///   - { columns: [email], masker: pii.email }
///   - { columns: ["customers.phone", "*.ssn"], masker: pii.partial, options: { keep: 4 } }
///   - { detect: [card, email, ssn, iban, secret], masker: pii.redact }
/// ```
///
/// ## Two modes
///
/// - **Whole value** (column rules; no `detect` option): every non-NULL field
///   the host passes is replaced as a whole. NULL stays NULL.
/// - **Content detection** (`detect` set): each field's text is scanned and
///   only the spans found are replaced; the rest stays byte for byte.
///   Fields with no findings are not changed.
///
/// In both modes a field whose type is `json`, `jsonb`, `application/json`
/// or `…+json` stays valid JSON (see ``JSONLayout``).
///
/// ## Options
///
/// | Masker | Option | Default | Meaning |
/// |---|---|---|---|
/// | all | `detect` | (absent) | comma-separated detectors: `email`, `card`, `phone`, `ssn`, `iban`, `ip`, `secret`, or `all` |
/// | `pii.redact` | `replacement` | `****` | the text that replaces a value or span |
/// | `pii.partial` | `keep` | `4` | characters kept at the end (0–1000); a value no longer than `keep` is masked entirely |
/// | `pii.partial` | `mask_char` | `*` | the one character that replaces each hidden character |
/// | `pii.hash` | `key_env` or `key_file` | required | the HMAC key's environment variable, or file (trailing line break dropped); at least 16 bytes |
/// | `pii.email` | `replacement` | `****` | replaces the local part (`****@example.com`), or all of a non-address |
///
/// `hash` gives `h:` and the first 16 hex digits of HMAC-SHA256(key, value):
/// equal values give equal outputs under one key, so masked columns stay
/// joinable. In detect mode each style masks each span as it would a whole
/// value; `email` keeps the domain of email spans and replaces other spans
/// with its `replacement`.
///
/// A masker name may be passed with or without the `pii.` prefix. An unknown
/// masker, an unknown option, a bad value or an unreadable key makes creation
/// fail with an error that names the option (never the key); the host shows
/// it at start. `replacement` and `mask_char` may not contain quotes,
/// backslashes or control characters, so masked text cannot break the JSON
/// string it lands in.
///
/// The exported entry point lives in `Entry/` (target `WardenPIIEntry`).
package struct PIIPlugin: MaskerPlugin {
    package static let manifest = PluginManifest(
        name: "pii", kind: .masker, version: "1.0.0",
        description: "Masks personal data and secrets: redact, partial, hash (HMAC) and email; "
            + "detects emails, cards, phones, SSNs, IBANs, IP addresses and secrets in text")

    package init(host: PluginHost) {}

    package func makeMasker(named name: String, options: [String: String]) throws -> any Masker {
        try MaskerFactory.make(named: name, options: options)
    }
}
