#if canImport(Glibc)
import CMalloc
#endif

/// How glibc's allocator gives memory back: pinned once, before the gateway
/// loads its plugins, so that memory a large statement used goes back to the
/// system when the statement is done (issue 10).
///
/// glibc adapts two thresholds while a process runs. Freeing a block it had
/// mapped on its own (128 KiB or more at first) raises the size from which
/// blocks are mapped on their own to that block's size, up to 32 MiB, and
/// the size past which a thread arena's free top is handed back to twice
/// that. After one large statement (its text, its buffers, its parse tree
/// as JSON), blocks of that size come from the threads' arenas, whose
/// free tops are then kept up to 64 MiB; `malloc_trim` never trims a thread
/// arena's top. Measured on the release build after eighty statements of
/// 350 KB: the arenas held 40 MB with 3.4 MB in use (two of them 11 MB each
/// with 4 KiB in use, 6 MB resident), and the gateway was 18 to 23 MB above
/// its idle 52 MB.
///
/// Pinning both thresholds at glibc's starting value turns the adaptation
/// off: a large block is mapped on its own and unmapped when freed, and an
/// arena's free top past 128 KiB is handed back. The cost is paid only by
/// large statements: their memory is faulted in again each time (a third
/// more page faults over forty 350 KB statements). A gateway that never
/// frees a large block behaves exactly as before.
enum AllocatorSettings {
    /// glibc's default for both thresholds.
    static let thresholdBytes: Int32 = 128 << 10

    static func pin() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, thresholdBytes)
        _ = mallopt(M_TRIM_THRESHOLD, thresholdBytes)
        #endif
    }
}
