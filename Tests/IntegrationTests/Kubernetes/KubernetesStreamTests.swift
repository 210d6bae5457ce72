import Foundation
import Testing
import WardenTestSupport

/// What kubectl streams through Warden: exec, attach and port-forward over
/// SPDY/3.1 (kubectl 1.20, and the others' fallback against this API
/// server) and WebSocket (the Python client), logs and watches relayed as
/// they come, and an exec into a held namespace that waits for a person.
@Suite(.serialized, .ownThreads) struct KubernetesStreamTests {
    let kube: KubeGateway

    init() async throws {
        kube = try KubeGateway(cluster: try await SharedKubeCluster.get(), rules: """
                rules:
                  - { match: { class: exec, attributes: { namespace: prod } }, action: approve }
                default: allow
                approvals: { approvers: [ops], timeout: 30s }
            """, adminGroups: ["security"])
    }

    /// Must-show 1: `exec -i … -- sh -c '…; exit 3'` passes stdin, stdout
    /// and stderr and ends with the command's exit code, for every client.
    @Test func execPassesStdinOutputAndTheExitCode() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-execs", groups: ["dev"])
        for kubectl in KubeGateway.Kubectl.allCases {
            let exec = try kube.kubectl(kubectl, kubeconfig: kubeconfig, [
                "exec", "-i", "-n", "dev", "web", "--", "sh", "-c", "cat; echo to-stderr >&2; exit 3",
            ], input: "typed by \(kubectl.rawValue)\n")
            #expect(exec.status == 3, "kubectl \(kubectl.rawValue): \(exec.output)")
            #expect(exec.stdout == "typed by \(kubectl.rawValue)\n", "kubectl \(kubectl.rawValue): \(exec.output)")
            #expect(exec.stderr.contains("to-stderr"), "kubectl \(kubectl.rawValue): \(exec.output)")
        }
        let python = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("kube/client.py").path, kubeconfig, "exec", "dev", "web",
            "sh", "-c", "head -n1; echo done; exit 3",
        ], input: "typed by python\n")
        #expect(python.status == 0, "\(python.output)")
        #expect(python.stdout.contains("stdout: typed by python\ndone\n") && python.stdout.contains("exit code: 3"), "\(python.output)")
        let switched = kube.gateway.logs
        #expect(switched.contains("switched to SPDY/3.1") && switched.contains("switched to websocket"), "\(switched)")
    }

    /// Must-show 1: port-forward and attach, both ways.
    @Test func portForwardAndAttach() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-forwards", groups: ["dev"])
        let site = try Paths.temporaryDirectory("warden-site")
        try "served behind the pod\n".write(to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let sitePort = try FreePort.next()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-m", "http.server", String(sitePort), "--bind", "127.0.0.1", "--directory", site.path]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        for kubectl in KubeGateway.Kubectl.allCases {
            let localPort = try FreePort.next()
            // kubectl forwards until it is stopped: the script stops it once curl has its answer.
            let script = """
                \(kubectl.path) --request-timeout=60s port-forward -n dev pod/web \(localPort):\(sitePort) >"$1" 2>&1 &
                forward=$!
                for _ in $(seq 100); do curl -s --max-time 5 http://127.0.0.1:\(localPort)/ && break; sleep 0.1; done
                kill $forward
                """
            let log = site.appendingPathComponent("port-forward.log").path
            let fetched = try Command.run("bash", ["-c", script, "port-forward", log], environment: ["KUBECONFIG": kubeconfig])
            #expect(fetched.stdout == "served behind the pod\n", "kubectl \(kubectl.rawValue): \(fetched.output) \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            let attach = try kube.kubectl(kubectl, kubeconfig: kubeconfig, ["attach", "-i", "-n", "dev", "web", "-c", "app"],
                                          input: "echoed by attach\n")
            #expect(attach.stdout.contains("echoed by attach"), "kubectl \(kubectl.rawValue): \(attach.output)")
        }
        // The Python client forwards over WebSocket (channel.k8s.io, a data and an error channel per port).
        let python = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("kube/client.py").path, kubeconfig, "port-forward", "dev", "web",
            String(sitePort),
        ])
        #expect(python.stdout == "served behind the pod\n", "\(python.output)")
    }

    /// Must-show 1: `logs -f` and `get pods -w` are relayed as they come:
    /// lines and events arrive while the stream is still open.
    @Test func logsAndWatchesArriveAsTheyCome() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-follows", groups: ["dev"])
        for kubectl in KubeGateway.Kubectl.allCases {
            // The kubelet writes a line every 200 ms and never ends a followed log: what arrives came streamed.
            let follow = try Command.run("timeout", ["3", kubectl.path, "logs", "-f", "-n", "dev", "web"], environment: ["KUBECONFIG": kubeconfig])
            #expect(follow.status == 124, "kubectl \(kubectl.rawValue): the log ended: \(follow.output)")
            #expect(follow.stdout.contains("log line 5 of dev/web/app"), "kubectl \(kubectl.rawValue): \(follow.output)")

            // The pod changes while the watch is open; the event arrives before the watch ends.
            let label = "seen-\(UUID().uuidString.prefix(6).lowercased())"
            let script = """
                "$6" --request-timeout=0 get pods -n dev -w -o 'custom-columns=NAME:.metadata.name,LABEL:.metadata.labels.mark' >"$1" 2>&1 &
                watch=$!
                sleep 2
                "$2" --server "$3" --certificate-authority "$4" --token "$5" label pod web -n dev mark=\(label) --overwrite >/dev/null
                for _ in $(seq 100); do grep -q \(label) "$1" && break; sleep 0.1; done
                kill $watch
                cat "$1"
                """
            let log = kube.gateway.directory.appendingPathComponent("watch.log").path
            let watched = try Command.run("bash", [
                "-c", script, "watch", log, "kubectl", kube.cluster.url, kube.cluster.caFile, kube.cluster.adminToken, kubectl.path,
            ], environment: ["KUBECONFIG": kubeconfig])
            #expect(watched.stdout.contains(label), "kubectl \(kubectl.rawValue): \(watched.output)")
        }
    }

    /// Must-show 2: `kubectl exec` into prod waits for another person's
    /// approval and then runs; nothing ran before.
    @Test func execIntoProdWaitsForApproval() async throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-held", groups: ["dev"])
        let bob = try kube.gateway.devToken(subject: "bob", groups: ["ops"])
        let marker = try Paths.temporaryDirectory("warden-exec").appendingPathComponent("ran").path
        let client = Task.detached { [kube] in
            try kube.kubectl(.v1_20, kubeconfig: kubeconfig, ["exec", "-n", "prod", "web", "--", "sh", "-c", "echo approved > \(marker); echo ran"])
        }
        let id = try kube.gateway.pendingApproval(matching: "exec pods/web -n prod", token: bob)
        let shown = try kube.gateway.warden(["approvals", "show", id], environment: ["WARDEN_TOKEN": bob])
        #expect(shown.stdout.contains("exec pods/web -n prod -- sh -c echo approved"), "\(shown.output)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the held exec ran before its approval")
        let approved = try kube.gateway.warden(["approvals", "approve", id], environment: ["WARDEN_TOKEN": bob])
        #expect(approved.status == 0, "\(approved.output)")
        let result = try await client.value
        #expect(result.status == 0 && result.stdout == "ran\n", "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    /// Must-show 4: an exec's replay shows its input and output in order,
    /// over SPDY and over WebSocket, and its asciicast plays.
    @Test func anExecIsRecordedAndReplayedInOrder() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-records", groups: ["dev"])
        let command = #"while read l; do echo "got $l"; sleep 0.2; done; echo bye >&2; exit 3"#
        let exec = try kube.kubectl(.v1_20, kubeconfig: kubeconfig, ["exec", "-i", "-n", "dev", "web", "--", "sh", "-c", command],
                                    input: "line one\nline two\n")
        #expect(exec.status == 3, "\(exec.output)")
        let python = try Command.run("python3", [
            PythonFixtureProcess.supportDirectory.appendingPathComponent("kube/client.py").path, kubeconfig, "exec", "dev", "web",
            "sh", "-c", "head -n1; echo done; exit 2",
        ], input: "typed over websocket\n")
        #expect(python.stdout.contains("exit code: 2"), "\(python.output)")

        let replays = try execReplays(subject: "alice-records")
        let spdy = try #require(replays.first { $0.replay.contains("got line one") }, "\(replays.map(\.replay))")
        let order = ["stdin  │ line one", "│ line two", "stdout │ got line one", "stdout │ got line two", "stderr │ bye", "exit code 3"]
        let positions = order.map { spdy.replay.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(spdy.replay)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "out of order: \(spdy.replay)")
        let webSocket = try #require(replays.first { $0.replay.contains("done") }, "\(replays.map(\.replay))")
        let wsOrder = ["stdin  │ typed over websocket", "stdout │ typed over websocket", "stdout │ done", "exit code 2"]
        let wsPositions = wsOrder.map { webSocket.replay.range(of: $0)?.lowerBound }
        #expect(wsPositions.allSatisfy { $0 != nil } && wsPositions.compactMap { $0 } == wsPositions.compactMap { $0 }.sorted(),
                "\(webSocket.replay)")

        let cast = try kube.gateway.warden(["replay", spdy.session, "--format", "asciicast"])
        #expect(cast.status == 0, "\(cast.output)")
        let lines = cast.stdout.split(separator: "\n").map(String.init)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 80, "\(lines[0])")
        let times = lines.dropFirst().compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any])?.first as? Double }
        #expect(times.count == lines.count - 1 && times == times.sorted() && (times.last ?? 0) >= 0.4, "\(cast.stdout)")
        let file = kube.gateway.directory.appendingPathComponent("exec.cast").path
        try cast.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let played = try Command.run("asciinema", ["cat", file])
        #expect(played.status == 0 && played.stdout == "got line one\r\ngot line two\r\nbye\r\n", "\(played.output)")
    }

    /// Must-show 1: an exec with a terminal (`-it`, under `script` for a
    /// pty) passes the terminal's size, which the record and the asciicast keep.
    @Test func aTerminalsSizeIsPassedAndRecorded() throws {
        defer { kube.gateway.stop() }
        let kubeconfig = try kube.kubeconfig(subject: "alice-tty", groups: ["dev"])
        let line = "stty cols 100 rows 30; \(KubeGateway.Kubectl.v1_20.path) exec -it -n dev web -- sh -c 'echo in-tty; exit 4'; echo status=$?"
        let result = try Command.run("script", ["-qc", line, "/dev/null"], environment: ["KUBECONFIG": kubeconfig])
        #expect(result.stdout.contains("in-tty") && result.stdout.contains("status=4"), "\(result.output)")
        let recorded = try #require(try execReplays(subject: "alice-tty").first, "no exec recorded")
        #expect(recorded.replay.contains("resize │ 100x30") && recorded.replay.contains("exit code 4"), "\(recorded.replay)")
        let cast = try kube.gateway.warden(["replay", recorded.session, "--format", "asciicast"])
        #expect(cast.stdout.hasPrefix(#"{"height":30,"#) && cast.stdout.contains(#""width":100"#), "\(cast.output)")
    }

    /// Every ended session of `subject` whose replay holds an exec, with its replay.
    private func execReplays(subject: String) throws -> [(session: String, replay: String)] {
        let list = try kube.gateway.warden(["sessions", "list"])
        let sessions = list.stdout.split(separator: "\n").filter { $0.contains(" \(subject) ") }.compactMap { $0.split(separator: " ").first }
        return try sessions.compactMap { id in
            let replay = try kube.gateway.warden(["replay", String(id)]).stdout
            return replay.contains("exec pods/web") ? (String(id), replay) : nil
        }
    }

}
