import Foundation
import Testing
@testable import WardenMySQLCore

/// The proofs against PyMySQL's implementation (`pymysql._auth`) for the same password and scramble.
struct PasswordProofTests {
    let scramble = Array(UInt8(1)...20)

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func nativePasswordMatchesPyMySQL() {
        #expect(hex(PasswordProof.nativePassword("apppw", scramble: scramble)) == "d852a1e4b2d554befa544f8394f7207021d09040")
    }

    @Test func cachingSHA2MatchesPyMySQL() {
        #expect(hex(PasswordProof.cachingSHA2("apppw", scramble: scramble))
            == "04c582badddcb5b1424a585cfc2b0c3cdeec6d229562f8b197ab80ece68ad552")
    }

    @Test func anEmptyPasswordSendsNoProof() {
        #expect(PasswordProof.nativePassword("", scramble: scramble).isEmpty)
    }
}
