import Testing
@testable import WardenPostgres

@Suite("MessageFramer")
struct MessageFramerTests {
    static let stream: [UInt8] =
        BackendMessages.authenticationOk()
        + Upstream.parameterStatus("client_encoding", "UTF8")
        + Upstream.dataRow("hello")
        + BackendMessages.readyForQuery(.inTransaction)

    @Test func cutsATypedStreamIntoMessages() throws {
        var framer = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        framer.append(Self.stream)
        var types: [UInt8] = []
        while let frame = try framer.next() { types.append(frame.type ?? 0) }
        #expect(types == Array("RSDZ".utf8))
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func yieldsTheSameMessagesForASplitAtEveryBytePosition() throws {
        var whole = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        whole.append(Self.stream)
        var expected: [PostgresFrame] = []
        while let frame = try whole.next() { expected.append(frame) }

        for split in 0...Self.stream.count {
            var framer = MessageFramer(mode: .typed, maxMessageLength: 1_000)
            var frames: [PostgresFrame] = []
            framer.append(Self.stream[..<split])
            while let frame = try framer.next() { frames.append(frame) }
            framer.append(Self.stream[split...])
            while let frame = try framer.next() { frames.append(frame) }
            #expect(frames == expected, "split at \(split)")
        }
    }

    @Test func yieldsTheSameMessagesFedOneByteAtATime() throws {
        var framer = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        var bodies: [[UInt8]] = []
        for byte in Self.stream {
            framer.append([byte])
            while let frame = try framer.next() { bodies.append(frame.bytes) }
        }
        #expect(bodies.flatMap { $0 } == Self.stream)
        #expect(bodies.count == 4)
    }

    @Test func readsUntypedStartupPackets() throws {
        let bytes = FrontendMessages.sslRequest() + FrontendMessages.startupMessage([("user", "u")])
        var framer = MessageFramer(mode: .startup, maxMessageLength: 10_000)
        framer.append(bytes.prefix(10))
        let first = try #require(try framer.next())
        #expect(first.type == nil)
        #expect(first.bytes == [0, 0, 0, 8, 4, 210, 22, 47])
        #expect(try framer.next() == nil)
        framer.append(bytes.dropFirst(10))
        let second = try #require(try framer.next())
        #expect(StartupPacket(body: second.body) == .startup(StartupMessage(parameters: [("user", "u")])))
    }

    @Test func rejectsALengthSmallerThanItsHeader() {
        var framer = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        framer.append([UInt8(ascii: "Q"), 0, 0, 0, 3])
        #expect(throws: FramingError.invalidLength(3)) { try framer.next() }

        var startup = MessageFramer(mode: .startup, maxMessageLength: 10_000)
        startup.append([0, 0, 0, 4])
        #expect(throws: FramingError.invalidLength(4)) { try startup.next() }
    }

    @Test func rejectsAnOversizedMessageBeforeItsBodyArrives() {
        var framer = MessageFramer(mode: .startup, maxMessageLength: 10_000)
        framer.append([0, 0, 0x27, 0x11])  // 10 001
        #expect(throws: FramingError.tooLong(length: 10_001, limit: 10_000)) { try framer.next() }

        var typed = MessageFramer(mode: .typed, maxMessageLength: (1 << 30) - 1)
        typed.append([UInt8(ascii: "D"), 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: FramingError.tooLong(length: Int(Int32.max), limit: (1 << 30) - 1)) { try typed.next() }

        var negative = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        negative.append([UInt8(ascii: "D"), 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FramingError.invalidLength(-1)) { try negative.next() }
    }

    @Test func peeksAtTheTypeOnlyOfACompleteMessage() throws {
        var framer = MessageFramer(mode: .typed, maxMessageLength: 1_000)
        let query = FrontendMessages.query("select 1")
        framer.append(query.dropLast())
        #expect(try framer.peekType() == nil)
        framer.append(query.suffix(1))
        #expect(try framer.peekType() == UInt8(ascii: "Q"))
        #expect(try framer.next()?.bytes == query)
    }
}
