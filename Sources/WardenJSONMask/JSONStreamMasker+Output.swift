/// Producing a chunk's output: run `mask`, splice replacements in, and keep
/// back the bytes of an unfinished value.
///
/// Offsets here are relative to the feed's input as one sequence: the bytes
/// held from earlier chunks (`carry`), then the chunk. The output covers that
/// sequence up to the token still held, or to its end.
extension JSONStreamMasker {
    /// Hands the batch its storage. The buffer moves into the shared,
    /// immutable storage, so the next feed starts a fresh one.
    mutating func shareStorage() -> ScalarStorage {
        let shared = ScalarStorage(storage)
        storage = []
        for i in batch.indices { batch[i].storage = shared }
        return shared
    }

    mutating func applyMask(
        _ mask: (inout [JSONScalar]) throws -> Void, to shared: ScalarStorage, chunkCount: Int
    ) throws(JSONStreamError) {
        let count = batch.count
        do {
            try mask(&batch)
        } catch let error as JSONStreamError {
            throw error
        } catch {
            throw JSONStreamError(.maskFailed, at: consumed, "mask failed: \(error)", underlying: error)
        }
        // Splicing needs exactly this feed's values, in order.
        guard batch.count == count else {
            throw JSONStreamError(.maskFailed, at: consumed, "mask added or removed values")
        }
        var previousEnd = 0
        let limit = outputEnd(chunkCount: chunkCount)
        for i in batch.indices {
            guard batch[i].storage === shared, batch[i].literal.lowerBound >= previousEnd,
                  batch[i].literal.upperBound <= limit
            else {
                throw JSONStreamError(.maskFailed, at: consumed, "mask reordered or substituted values")
            }
            previousEnd = batch[i].literal.upperBound
        }
    }

    /// The chunk's output with every replaced literal swapped for its replacement.
    mutating func assembleOutput(_ chunk: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let end = outputEnd(chunkCount: chunk.count)
        encoded.removeAll(keepingCapacity: true)
        encodedEnds.removeAll(keepingCapacity: true)
        var size = end
        for i in batch.indices {
            guard let replacement = batch[i].replacement else { continue }
            let before = encoded.count
            JSONStringCodec.appendLiteral(replacement, to: &encoded)
            encodedEnds.append(encoded.count)
            size += encoded.count - before - batch[i].literal.count
        }
        return [UInt8](unsafeUninitializedCapacity: size) { out, count in
            var o = 0
            var cursor = 0
            var edit = 0
            encoded.withUnsafeBufferPointer { encoded in
                for i in batch.indices where batch[i].replacement != nil {
                    o = copyInput(batch[i].literal.lowerBound - cursor, from: cursor, chunk, into: out, at: o)
                    let from = edit == 0 ? 0 : encodedEnds[edit - 1]
                    o = copy(UnsafeBufferPointer(rebasing: encoded[from..<encodedEnds[edit]]), into: out, at: o)
                    cursor = batch[i].literal.upperBound
                    edit += 1
                }
            }
            count = copyInput(end - cursor, from: cursor, chunk, into: out, at: o)
        }
    }

    /// After output: keep the unfinished token's bytes, drop everything else.
    mutating func retire(_ chunk: UnsafeBufferPointer<UInt8>) {
        if isHoldingToken {
            let start = tokenStart - consumed
            if start < 0 {
                carry.append(contentsOf: chunk)
            } else {
                carry.removeAll(keepingCapacity: true)
                carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start...]))
            }
        } else if carry.capacity > 64 << 10 {
            carry = []  // A once-large value must not pin its buffer for the rest of the stream.
        } else {
            carry.removeAll(keepingCapacity: true)
        }
        consumed += chunk.count
        batch.removeAll(keepingCapacity: true)
    }

    /// End of the output, relative to the start of the held bytes.
    private func outputEnd(chunkCount: Int) -> Int {
        (isHoldingToken ? tokenStart : consumed + chunkCount) - (consumed - carry.count)
    }

    /// Copies `count` input bytes starting at `from`, from the held bytes, the chunk, or both.
    private func copyInput(
        _ count: Int, from: Int, _ chunk: UnsafeBufferPointer<UInt8>,
        into out: UnsafeMutableBufferPointer<UInt8>, at o: Int
    ) -> Int {
        var o = o
        let to = from + count
        if from < carry.count {
            o = carry.withUnsafeBufferPointer { carry in
                copy(UnsafeBufferPointer(rebasing: carry[from..<min(to, carry.count)]), into: out, at: o)
            }
        }
        if to > carry.count {
            o = copy(UnsafeBufferPointer(rebasing: chunk[max(from, carry.count) - carry.count..<to - carry.count]), into: out, at: o)
        }
        return o
    }

    private func copy(_ source: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at o: Int) -> Int {
        guard let from = source.baseAddress, !source.isEmpty else { return o }
        (out.baseAddress! + o).initialize(from: from, count: source.count)
        return o + source.count
    }
}
