import CWardenPlugin

/// Reads structs a plugin wrote, which may come from an older ABI minor and
/// so be shorter than this host's definition of them.
enum PluginStruct {
    /// Whether a struct `size` bytes long (the writer's `sizeof`) holds `field`.
    static func covers<Root, Value>(_ size: UInt32, _ field: KeyPath<Root, Value>) -> Bool {
        guard let offset = MemoryLayout<Root>.offset(of: field) else { return false }
        return Int(size) >= offset + MemoryLayout<Value>.size
    }

    /// Copies only the `size` bytes the writer says its struct has: reading
    /// the whole host-sized struct would read past an older plugin's. Fields
    /// it lacks stay as in `blank` (zero: no pointers, no counts).
    static func copy<T>(_ pointer: UnsafePointer<T>, size: UInt32, over blank: T) -> T {
        var value = blank
        withUnsafeMutableBytes(of: &value) { destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(
                start: pointer, count: min(Int(size), MemoryLayout<T>.size)))
        }
        return value
    }
}
