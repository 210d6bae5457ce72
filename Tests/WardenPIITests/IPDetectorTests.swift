import Testing

@testable import WardenPII

@Suite struct IPv4DetectorTests {
    let detector = IPv4Detector()

    @Test(arguments: ["10.0.0.1", "192.168.1.254", "255.255.255.255", "0.0.0.0", "8.8.8.8"])
    func addressesInRunningTextAreFound(address: String) {
        #expect(found(detector, in: "from \(address) at noon") == [address])
        #expect(found(detector, in: #"{"ip":"\#(address)"}"#) == [address])
    }

    @Test func portsAndPrefixLengthsStayOutside() {
        #expect(found(detector, in: "host 192.168.1.254:5432") == ["192.168.1.254"])
        #expect(found(detector, in: "route 10.0.0.0/8") == ["10.0.0.0"])
        #expect(found(detector, in: "range 10.0.0.1-10.0.0.9") == ["10.0.0.1", "10.0.0.9"])
        #expect(found(detector, in: "Server at 10.1.2.3.") == ["10.1.2.3"])
    }

    /// A bare dotted quad is an address even when it might be a version: the
    /// detector cannot tell, and a missed address is the worse mistake.
    @Test func aBareDottedQuadIsAnAddress() {
        #expect(found(detector, in: "version 1.2.3.4") == ["1.2.3.4"])
    }

    @Test(arguments: ["256.1.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.5", "v1.2.3.4", "1.2.3.4a", "1234.1.1.1", "1.2.3.4444",
                      "2026-11-25", "1..2.3"])
    func otherDottedNumbersAreNotAddresses(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }
}

@Suite struct IPv6DetectorTests {
    let detector = IPv6Detector()

    @Test(arguments: [
        "2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329", "2001:DB8::1", "fe80::1", "::1", "fe80::",
        "::ffff:192.0.2.128", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8", "1::2:3:4:5:6:7",
    ])
    func addressesInRunningTextAreFound(address: String) {
        #expect(found(detector, in: "from \(address) at noon") == [address])
        #expect(found(detector, in: #"{"ip":"\#(address)"}"#) == [address])
    }

    @Test func surroundingsStayOutside() {
        #expect(found(detector, in: "connect to [::1]:5432") == ["::1"])
        #expect(found(detector, in: "link fe80::1%eth0") == ["fe80::1"])
        #expect(found(detector, in: "net 2001:db8::/32") == ["2001:db8::"])
        #expect(found(detector, in: "it was fe80::1.") == ["fe80::1"])
        #expect(found(detector, in: "at fe80::1: down") == ["fe80::1"])
    }

    @Test(arguments: [
        "10:30:45", "2026-11-25T10:30:45Z", "00:1a:2b:3c:4d:5e", "std::vector", "::", "a:b", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::1", "1:::2", "fe80::g", "beef", "::1.2.3", "1.2.3.4::1",
    ])
    func otherTextIsNotAnAddress(text: String) {
        #expect(found(detector, in: text).isEmpty)
    }
}
