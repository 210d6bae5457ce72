import Testing
@testable import HelloProtocol

@Suite struct HelloMachineTests {
    @Test func greetsThenAsksAboutEveryLine() {
        var machine = HelloMachine()
        #expect(machine.received(Array("TOKEN abc orders\n".utf8)) == [.authenticate(token: "abc", connection: "orders")])
        #expect(machine.isWaiting)
        // Two lines in one read: the second waits for the first decision.
        #expect(machine.received(Array("one\ntwo\n".utf8)) == [])
        #expect(machine.authenticated(subject: "alice") == [.reply("HELLO alice"), .decide(line: "one")])
        #expect(machine.allowed() == [.reply("ALLOWED one"), .decide(line: "two")])
        #expect(machine.denied("not today") == [.reply("DENIED not today")])
        #expect(!machine.isWaiting)
    }

    @Test func refusalCloses() {
        var machine = HelloMachine()
        _ = machine.received(Array("TOKEN bad orders\r\n".utf8))
        #expect(machine.refused("invalid token") == [.reply("REFUSED invalid token"), .close])
        #expect(machine.received(Array("more\n".utf8)) == [])
    }

    @Test func malformedFirstLineCloses() {
        var machine = HelloMachine()
        #expect(machine.received(Array("HELLO\n".utf8)) == [.reply("REFUSED expected TOKEN <token> <connection>"), .close])
    }

    @Test func overlongLineCloses() {
        var machine = HelloMachine()
        let effects = machine.received([UInt8](repeating: UInt8(ascii: "a"), count: HelloMachine.maximumLineLength + 1))
        #expect(effects == [.reply("REFUSED line too long"), .close])
    }
}
