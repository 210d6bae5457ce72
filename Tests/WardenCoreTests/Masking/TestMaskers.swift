import CWardenPlugin
@testable import WardenCore

/// Masker hooks written in Swift for tests: masker `stars` replaces a whole
/// value with `***`; masker `find` replaces every occurrence of its `word`
/// option with `<word>`.
enum TestMaskers {
    final class Instance {
        let name: String
        let word: String
        init(name: String, word: String) {
            self.name = name
            self.word = word
        }

        func masked(_ value: String) -> String? {
            switch name {
            case "stars": return "***"
            default: return value.contains(word) ? value.replacingOccurrences(of: word, with: "<\(word)>") : nil
            }
        }
    }

    nonisolated(unsafe) static let hooks: UnsafePointer<warden_masker_hooks> = {
        let hooks = UnsafeMutablePointer<warden_masker_hooks>.allocate(capacity: 1)
        hooks.initialize(to: warden_masker_hooks(
            size: UInt32(MemoryLayout<warden_masker_hooks>.size), reserved: 0,
            create: { _, name, options, count, instance, _ in
                let pairs = UnsafeBufferPointer(start: options, count: options == nil ? 0 : count)
                let word = pairs.first { $0.key.text == "word" }?.value.text ?? ""
                instance?.pointee = Unmanaged.passRetained(Instance(name: name.text, word: word)).toOpaque()
                return WARDEN_OK
            },
            mask: { instance, fields, count, sink, context in
                let masker = Unmanaged<Instance>.fromOpaque(instance!).takeUnretainedValue()
                for (index, field) in UnsafeBufferPointer(start: fields, count: count).enumerated() {
                    guard field.is_null == 0, let masked = masker.masked(field.value.text) else { continue }
                    var bytes = Array(masked.utf8)
                    bytes.withUnsafeMutableBufferPointer { sink?(context, index, warden_bytes(data: $0.baseAddress, length: $0.count)) }
                }
                return WARDEN_OK
            },
            destroy: { instance in Unmanaged<Instance>.fromOpaque(instance!).release() }))
        return UnsafePointer(hooks)
    }()

    static func instance(_ name: String, word: String = "") -> MaskerInstance {
        var pointer: UnsafeMutableRawPointer?
        var error = warden_bytes()
        var arena = ByteArena()
        let nameRange = arena.add(name), key = arena.add("word"), value = arena.add(word)
        _ = arena.bytes.withUnsafeBufferPointer { base in
            var pair = warden_pair(key: ByteArena.slice(base, key), value: ByteArena.slice(base, value))
            return hooks.pointee.create!(nil, ByteArena.slice(base, nameRange), &pair, 1, &pointer, &error)
        }
        return MaskerInstance(hooks: hooks, instance: pointer!)
    }
}
