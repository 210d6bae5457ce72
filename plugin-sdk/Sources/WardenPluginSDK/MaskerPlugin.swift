/// A field offered for masking: its value and what is known of its origin.
public struct Field: Sendable, Equatable {
    /// The result field's name as the client sees it.
    public var name: String
    /// `table.column` where the protocol knows it, else empty.
    public var source: String
    /// The value's type, e.g. `text` or `application/json`.
    public var typeName: String
    /// The value as text; nil for SQL NULL.
    public var value: String?

    public init(name: String, source: String = "", typeName: String = "", value: String?) {
        self.name = name
        self.source = source
        self.typeName = typeName
        self.value = value
    }
}

/// A plugin that provides named maskers, such as `pii.email`.
public protocol MaskerPlugin: Sendable {
    static var manifest: PluginManifest { get }
    init(host: PluginHost) throws
    /// Makes a configured masker; a thrown error names what is wrong with the options.
    func makeMasker(named name: String, options: [String: String]) throws -> any Masker
}

/// A configured masker. Pure and thread-safe: sessions share it.
public protocol Masker: Sendable {
    /// Returns the new value of each field that changes, by index in `fields`.
    func mask(_ fields: [Field]) -> [Int: String]
}
