import Foundation

/// Where a `hash` masker's HMAC key comes from, and reading it.
///
/// Keys live outside the configuration file, which is often committed and
/// shown: either an environment variable (`key_env`) or a file (`key_file`)
/// such as a mounted secret. The bytes are the key as they are; a file's
/// trailing line break is dropped, since editors and `echo` add one. A key
/// shorter than ``minimumLength`` bytes is refused: with a guessable key, an
/// attacker who sees hashes can confirm guesses of the values behind them.
enum KeySource: Equatable {
    case environment(String)
    case file(String)

    static let minimumLength = 16

    /// The source named by a rule's `key_env` or `key_file` (exactly one).
    static func from(_ options: inout OptionReader) throws(OptionError) -> KeySource {
        switch (options.string("key_env"), options.string("key_file")) {
        case (let name?, nil):
            guard !name.trimmingSpaces.isEmpty else { throw options.error("key_env", "is empty; name an environment variable") }
            return .environment(name)
        case (nil, let path?):
            guard !path.trimmingSpaces.isEmpty else { throw options.error("key_file", "is empty; name a file") }
            return .file(path)
        case (.some, .some):
            throw options.error("key_env", "and 'key_file' are both set; set one of them")
        case (nil, nil):
            throw options.error("key_env", "or 'key_file' is required: the HMAC key's environment variable or file")
        }
    }

    /// Reads the key. Errors name the variable or file, never the key.
    func load(in environment: KeyEnvironment, for reader: OptionReader) throws(OptionError) -> [UInt8] {
        let key: [UInt8]
        let option: String
        let origin: String
        switch self {
        case .environment(let name):
            (option, origin) = ("key_env", "environment variable '\(name)'")
            guard let value = environment.variable(name) else { throw reader.error(option, "names \(origin), which is not set") }
            key = Array(value.utf8)
        case .file(let path):
            (option, origin) = ("key_file", "file '\(path)'")
            guard var bytes = environment.readFile(path) else { throw reader.error(option, "names \(origin), which cannot be read") }
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            key = bytes
        }
        guard !key.isEmpty else { throw reader.error(option, "names \(origin), which is empty") }
        guard key.count >= Self.minimumLength else {
            throw reader.error(option, "names \(origin), whose key is \(key.count) bytes; at least \(Self.minimumLength) are required")
        }
        return key
    }
}

/// How keys are looked up: the process's environment and file system, or
/// stand-ins in tests.
struct KeyEnvironment: Sendable {
    var variable: @Sendable (String) -> String?
    var readFile: @Sendable (String) -> [UInt8]?

    static let process = KeyEnvironment(
        variable: { name in getenv(name).map { String(cString: $0) } },
        readFile: { path in FileManager.default.contents(atPath: path).map { [UInt8]($0) } })
}
