import Testing
@testable import WardenPostgres

@Suite("SCRAM-SHA-256 client")
struct SCRAMTests {
    // RFC 7677 §3.
    static let serverFirst =
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

    @Test func matchesTheRFC7677Example() throws {
        var client = SCRAMSHA256Client(user: "user", password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO")
        #expect(client.clientFirstMessage == Bytes.ascii("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))
        let clientFinal = try client.receiveServerFirst(Bytes.ascii(Self.serverFirst))
        #expect(String(decoding: clientFinal, as: UTF8.self)
            == "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        try client.verifyServerFinal(Bytes.ascii("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        #expect(client.isVerified)
    }

    @Test func rejectsAWrongServerSignature() throws {
        var client = SCRAMSHA256Client(user: "user", password: "pencil", nonce: "rOprNGfwEbeRWgbNEkqO")
        _ = try client.receiveServerFirst(Bytes.ascii(Self.serverFirst))
        #expect(throws: SCRAMSHA256Client.SCRAMError.serverSignatureMismatch) {
            try client.verifyServerFinal(Bytes.ascii("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        }
        #expect(!client.isVerified)
    }

    @Test func rejectsAServerThatDoesNotExtendTheClientNonce() {
        var client = SCRAMSHA256Client(password: "pencil", nonce: "abc")
        #expect(throws: SCRAMSHA256Client.SCRAMError.nonceMismatch) {
            try client.receiveServerFirst(Bytes.ascii("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        }
        var exact = SCRAMSHA256Client(password: "pencil", nonce: "abc")
        #expect(throws: SCRAMSHA256Client.SCRAMError.nonceMismatch) {
            try exact.receiveServerFirst(Bytes.ascii("r=abc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        }
    }

    @Test func rejectsBadIterationCountsErrorsAndMandatoryExtensions() throws {
        var zero = SCRAMSHA256Client(password: "p", nonce: "abc")
        #expect(throws: SCRAMSHA256Client.SCRAMError.invalidIterationCount(0)) {
            try zero.receiveServerFirst(Bytes.ascii("r=abcd,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0"))
        }
        var extended = SCRAMSHA256Client(password: "p", nonce: "abc")
        #expect(throws: SCRAMSHA256Client.SCRAMError.malformedServerFirst) {
            try extended.receiveServerFirst(Bytes.ascii("m=x,r=abcd,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1"))
        }
        var failing = SCRAMSHA256Client(password: "p", nonce: "abc")
        _ = try failing.receiveServerFirst(Bytes.ascii("r=abcd,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1"))
        #expect(throws: SCRAMSHA256Client.SCRAMError.serverError("invalid-proof")) {
            try failing.verifyServerFinal(Bytes.ascii("e=invalid-proof"))
        }
    }

    @Test func escapesTheUserName() {
        let client = SCRAMSHA256Client(user: "a=b,c", password: "p", nonce: "n")
        #expect(client.clientFirstMessage == Bytes.ascii("n,,n=a=3Db=2Cc,r=n"))
    }

    @Test func makesDistinctPrintableNonces() {
        let a = SCRAMSHA256Client.makeNonce()
        let b = SCRAMSHA256Client.makeNonce()
        #expect(a != b)
        #expect(a.count == 24)
        #expect(!a.contains(","))
    }
}

@Suite("md5 password")
struct MD5PasswordTests {
    @Test func matchesPythonHashlib() {
        // python3: 'md5' + md5(md5(b'secretalice').hexdigest().encode() + bytes([1,2,3,4])).hexdigest()
        #expect(MD5Password.hash(user: "alice", password: "secret", salt: [1, 2, 3, 4])
            == "md598a0412b9c31436fc53776e863350083")
    }
}

@Suite("SASLprep")
struct SASLPrepTests {
    @Test func leavesASCIIAloneAndNormalizesUnicode() {
        #expect(SASLPrep.normalize("pencil") == "pencil")
        #expect(SASLPrep.normalize("a\u{00A0}b") == "a b")  // non-ASCII space → SPACE
        #expect(SASLPrep.normalize("a\u{00AD}b") == "ab")  // soft hyphen maps to nothing
        #expect(SASLPrep.normalize("\u{2168}") == "IX")  // NFKC
        #expect(SASLPrep.normalize("a\u{0007}é") == "a\u{0007}é")  // prohibited: used as is
    }
}

@Suite("CancelKeyTable")
struct CancelKeyTableTests {
    @Test func registersLooksUpAndReleases() {
        let table = CancelKeyTable()
        let target = CancelTarget(connection: "db", upstreamKey: BackendKey(processID: 1, secretKey: 2))
        let key = table.register(target)
        #expect(key.processID > 0)
        #expect(table.target(for: key) == target)
        let other = table.register(target)
        #expect(other != key)
        table.release(key)
        #expect(table.target(for: key) == nil)
        #expect(table.count == 1)
    }
}
