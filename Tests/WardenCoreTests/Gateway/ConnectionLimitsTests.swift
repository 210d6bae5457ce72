import NIOCore
import NIOEmbedded
import Testing

@testable import WardenCore

/// The sign-in deadline and the connection cap, on a clock the test moves.
@Suite struct ConnectionLimitsTests {
    @Test func aConnectionThatDoesNotSignInIsClosedAtTheDeadline() throws {
        let channel = EmbeddedChannel()
        var expired = 0
        try channel.pipeline.syncOperations.addHandler(SignInDeadlineHandler(timeout: .seconds(10)) { expired += 1 })
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(10) - .nanoseconds(1))
        #expect(channel.isActive, "open until the deadline")
        #expect(expired == 0)
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        #expect(!channel.isActive, "closed at the deadline")
        #expect(expired == 1, "told once, before the close")
    }

    /// Signed in, expired or closed: the connection stops counting against
    /// its address exactly once.
    @Test(arguments: ["signed in", "expired", "closed"])
    func aConnectionStopsSigningInOnce(end: String) throws {
        let channel = EmbeddedChannel()
        var finished = 0
        let deadline = SignInDeadlineHandler(timeout: .seconds(10), onFinished: { finished += 1 })
        try channel.pipeline.syncOperations.addHandler(deadline)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(finished == 0)
        switch end {
        case "signed in": deadline.signedIn()
        case "expired": channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        default: _ = try? channel.close().wait()
        }
        #expect(finished == 1)
        _ = try? channel.close().wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(finished == 1, "once, whatever follows")
    }

    @Test func pendingSignInsAreCountedPerAddress() {
        let pending = PendingSignIns(limitPerAddress: 2)
        #expect(pending.acquire("10.0.0.1") && pending.acquire("10.0.0.1"))
        #expect(!pending.acquire("10.0.0.1"), "the third from one address is refused")
        #expect(pending.acquire("10.0.0.2"), "another address is not affected")
        pending.release("10.0.0.1")
        #expect(pending.acquire("10.0.0.1"))
        pending.release("10.0.0.2")
        pending.release("10.0.0.2")
        #expect(pending.count("10.0.0.2") == 0, "never below zero")
    }

    @Test func signingInStopsTheClock() throws {
        let channel = EmbeddedChannel()
        let deadline = SignInDeadlineHandler(timeout: .seconds(10))
        try channel.pipeline.syncOperations.addHandler(deadline)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        deadline.signedIn()
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(channel.isActive)
        #expect(throws: (any Error).self, "out of the data path once signed in") {
            try channel.pipeline.syncOperations.context(handlerType: SignInDeadlineHandler.self)
        }
        _ = try channel.finish()
    }

    @Test func theClockStartsAtAcceptEvenForAChannelAlreadyActive() throws {
        // The listener adds the handler to a channel that is already connected.
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandler(SignInDeadlineHandler(timeout: .seconds(5)))
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!channel.isActive)
    }

    @Test func slotsAreCountedAndGivenBack() {
        let slots = ConnectionSlots(limit: 2)
        #expect(slots.acquire())
        #expect(slots.acquire())
        #expect(!slots.acquire(), "the third is refused")
        #expect(slots.open == 2)
        slots.release()
        #expect(slots.acquire(), "a closed connection frees its slot")
    }

    @Test func refusalsLingerUpToALimitAndAreLoggedAtMostOncePerInterval() {
        let slots = ConnectionSlots(limit: 0, lingerLimit: 2)
        let start = ContinuousClock.now
        let first = slots.refused(now: start)
        #expect(first.linger && first.logCount == 1)
        let second = slots.refused(now: start + .seconds(1))
        #expect(second.linger && second.logCount == nil)
        let third = slots.refused(now: start + .seconds(2))
        #expect(!third.linger, "past the linger limit a refused connection is closed at once")
        slots.refusalClosed()
        #expect(slots.refused(now: start + ConnectionSlots.logInterval).logCount == 3, "the next line counts what it summarizes")
    }

    @Test func aRefusedConnectionGetsThePluginsMessageThenItsOutputIsShut() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        var closed = 0
        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(message: Array("no room".utf8), linger: true) { closed += 1 })
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(String(buffer: written) == "no room")
        try channel.writeInbound(ByteBuffer(string: "what the client sent is dropped"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.advanceTime(by: ConnectionRefusal.lingerTime)
        #expect(!channel.isActive, "closed after lingering")
        #expect(closed == 1)
    }
}
