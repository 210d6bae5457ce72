import WardenPluginSDK

/// The connection the mariadb client opens on Ctrl-C: no database, the
/// person's token, one `KILL QUERY <id>` of the connection id it saw.
/// The token is validated for the connection of the session that id
/// names; only the same person's session is reached, on the same upstream.
struct KillConnection {
    struct Target {
        var kill: KillStatement
        var entry: SessionDirectory.Entry
    }

    let token: String
    var target: Target?
}

extension MySQLSessionMachine {
    mutating func handleKillConnectionCommand(_ packet: MySQLPacket, _ out: inout [MySQLSessionAction]) {
        clientSequence = packet.sequence &+ 1
        switch packet.first {
        case Command.quit:
            phase = .closed
            out.append(.closeClient)
        case Command.ping:
            sendToClient(OKPacket(status: .autocommit).payload, &out)
        case Command.query:
            guard let kill = KillStatement(Array(packet.payload.dropFirst())), let token = killConnection?.token else { fallthrough }
            guard let entry = directory.entry(kill.id) else {
                out.append(contentsOf: refuseKill(kill))
                return
            }
            killConnection?.target = KillConnection.Target(kill: kill, entry: entry)
            phase = .authenticating
            out.append(.authenticate(token: token, connection: entry.connection, user: client?.user ?? ""))
        default:
            fail(&out, client: .accessDenied("""
                name the Warden connection as the database (mariadb: -D NAME or the last argument)
                """), log: "the client named no database (Warden connection)")
        }
    }

    /// The target's upstream thread is killed on this connection's own sign-in there.
    mutating func sendKill(_ target: KillConnection.Target, _ out: inout [MySQLSessionAction]) {
        phase = .ready
        // Its answer goes to the client as the KILL's; then the connection ends.
        killConnection = nil
        closeAfterCommand = true
        killUpstreamThread(target.kill, of: target.entry, &out)
    }

    /// Kills `target`'s upstream thread over this session's own upstream
    /// connection, ending a statement's wait for approval there first; the
    /// server's answer goes to the client as the KILL's.
    mutating func killUpstreamThread(_ kill: KillStatement, of target: SessionDirectory.Entry, _ out: inout [MySQLSessionAction]) {
        out.append(.cancelHeld(target.session))
        out.append(.log(.info, "KILL of connection \(kill.id): upstream thread \(target.upstreamThread)"))
        let text = kill.upstreamText(thread: target.upstreamThread)
        forwardUndecided(MySQLPacket(sequence: 0, payload: [Command.query] + Array(text.utf8)), expectation: .results, &out)
    }

    /// Unknown to this person, as the server says of any id it does not know.
    mutating func refuseKill(_ kill: KillStatement) -> [MySQLSessionAction] {
        var out: [MySQLSessionAction] = [.log(.warning, kill.refusalLog)]
        fail(&out, client: ErrorPacket.unknownThread(kill.id), log: nil)
        return out
    }
}
