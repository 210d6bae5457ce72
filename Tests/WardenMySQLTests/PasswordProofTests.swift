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

    /// MariaDB's ed25519: a signature with a key derived from a password of any length.
    @Test func ed25519MatchesPyMySQL() {
        let signature = Ed25519Password.sign(Array(UInt8(1)...32), password: "edapp-secret")
        #expect(hex(signature) == "363492d46076748a3dbab0b08c664d28b033242a0db7f2818ffce924598c6a7a"
            + "3427bf7a525f52e565ca182bcab2b16a3f1384c077fd1acf13875e1a2d50c100")
    }

    @Test func anEmptyPasswordSendsNoProof() {
        #expect(PasswordProof.nativePassword("", scramble: scramble).isEmpty)
    }
}
