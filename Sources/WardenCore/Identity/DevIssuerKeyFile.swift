import Crypto
import Foundation

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Loads the dev issuer's P-256 private key, creating it on first use.
///
/// Creation is atomic and never overwrites: the key is written in full to a
/// private temporary file and then hard-linked to the final name, and `link`
/// fails if that name already exists. When two processes race, exactly one
/// link succeeds and the other loads the winner's key, so tokens issued by
/// either stay valid.
enum DevIssuerKeyFile {
    static func loadOrCreate(at url: URL) throws(DevIssuerError) -> P256.Signing.PrivateKey {
        if let existing = try load(url) { return existing }

        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DevIssuerError("cannot create directory \(directory.path) for the dev issuer key: \(error)")
        }

        let key = P256.Signing.PrivateKey()
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt64.random(in: .min ... .max)).tmp")
        try write(Data(key.pemRepresentation.utf8), toNewFile: temporary)
        defer { unlink(temporary.path) }

        if link(temporary.path, url.path) == 0 { return key }
        let failure = errno
        guard failure == EEXIST, let winner = try load(url) else {
            throw DevIssuerError("cannot create dev issuer key file \(url.path): \(String(cString: strerror(failure)))")
        }
        return winner
    }

    /// The key stored at `url`, or nil if there is no file yet.
    private static func load(_ url: URL) throws(DevIssuerError) -> P256.Signing.PrivateKey? {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw DevIssuerError("cannot read dev issuer key file \(url.path): \(String(cString: strerror(errno)))")
        }
        // Like ssh with private keys: refuse a key others could read, since anyone
        // holding it can mint tokens for any subject and group.
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw DevIssuerError(
                "dev issuer key file \(url.path) is accessible by other users (mode \(String(permissions, radix: 8))); "
                    + "run chmod 600 on it")
        }
        do {
            let pem = try String(contentsOf: url, encoding: .utf8)
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw DevIssuerError("dev issuer key file \(url.path) does not hold a P-256 private key in PEM form")
        }
    }

    private static func write(_ data: Data, toNewFile url: URL) throws(DevIssuerError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DevIssuerError("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // The umask can only remove bits; set the mode explicitly so it is exactly 0600.
        fchmod(descriptor, 0o600)
        do {
            try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data)
            guard fsync(descriptor) == 0 else { throw DevIssuerError(String(cString: strerror(errno))) }
        } catch {
            unlink(url.path)
            throw DevIssuerError("cannot write \(url.path): \(error)")
        }
    }
}

/// A problem with the dev issuer's key file or arguments; the message says what to fix.
public struct DevIssuerError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
