// warden-kubelet: a kubelet stand-in for Warden's Kubernetes tests. The API
// server proxies logs, exec, attach and port-forward to a node's kubelet; this
// program serves those four endpoints with the kubelet's own streaming code
// (SPDY and WebSocket, as the real kubelet does), so what passes through
// Warden is exactly what a cluster would send. Commands run locally with the
// test's user; no container runtime is involved.
//
// Built inside the kubernetes source tree by scripts/lib/kube-fixture.sh.
//
//	warden-kubelet ADDRESS   (CERT and KEY in the environment: its serving certificate)
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"
	remotecommandconsts "k8s.io/apimachinery/pkg/util/remotecommand"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubernetes/pkg/kubelet/cri/streaming/portforward"
	streaming "k8s.io/kubernetes/pkg/kubelet/cri/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

const (
	idleTimeout     = 5 * time.Minute
	creationTimeout = 30 * time.Second
)

// node runs what the streaming server asks of a container, on this machine.
type node struct{}

// ExecInContainer runs the command; its exit code reaches the client.
func (node) ExecInContainer(name string, uid types.UID, container string, cmd []string, stdin io.Reader, stdout, stderr io.WriteCloser,
	tty bool, resize <-chan remotecommand.TerminalSize, timeout time.Duration) error {
	if len(cmd) == 0 {
		return fmt.Errorf("no command")
	}
	if tty {
		// A runtime sizes the pty before the command starts; so does this
		// stand-in wait for the terminal's first size (kubectl sends it at
		// once), which makes the order of a test's record certain.
		select {
		case <-resize:
		case <-time.After(10 * time.Second):
		}
	}
	go func() {
		for range resize {
			// Later size changes are accepted and not applied: no pty here.
		}
	}()
	command := exec.Command(cmd[0], cmd[1:]...)
	command.Stdout, command.Stderr = stdout, stderr
	if stderr == nil {
		command.Stderr = stdout // a TTY has one output stream
	}
	if stdin != nil {
		// Through a pipe, not command.Stdin: Wait would wait for stdin to end,
		// and a WebSocket client (channel.k8s.io v4) cannot end it alone. A
		// container's process ends its exec when it exits, as this one does.
		pipe, err := command.StdinPipe()
		if err != nil {
			return err
		}
		go func() {
			io.Copy(pipe, stdin)
			pipe.Close()
		}()
	}
	err := command.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return utilexec.CodeExitError{Err: err, Code: exit.ExitCode()}
	}
	return err
}

// AttachContainer echoes stdin back, so that a test sees both directions; without stdin it says hello and ends.
func (node) AttachContainer(name string, uid types.UID, container string, stdin io.Reader, stdout, stderr io.WriteCloser,
	tty bool, resize <-chan remotecommand.TerminalSize) error {
	if stdin == nil {
		_, err := fmt.Fprintf(stdout, "attached to %s/%s\n", name, container)
		return err
	}
	_, err := io.Copy(stdout, stdin)
	return err
}

// PortForward connects the stream to the port on this machine's loopback.
func (node) PortForward(name string, uid types.UID, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	defer conn.Close()
	go func() {
		io.Copy(conn, stream)
		if tcp, ok := conn.(*net.TCPConn); ok {
			tcp.CloseWrite()
		}
	}()
	_, err = io.Copy(stream, conn)
	return err
}

// pathParts splits /KIND/namespace/pod[/container] after its prefix.
func pathParts(path, prefix string) (namespace, pod, container string, ok bool) {
	parts := strings.Split(strings.TrimPrefix(path, prefix), "/")
	if len(parts) < 2 {
		return "", "", "", false
	}
	if len(parts) > 2 {
		container = parts[2]
	}
	return parts[0], parts[1], container, true
}

// logs writes numbered lines; with follow=true one more every 200 ms until the client goes away.
func logs(w http.ResponseWriter, r *http.Request) {
	namespace, pod, container, ok := pathParts(r.URL.Path, "/containerLogs/")
	if !ok {
		http.Error(w, "expected /containerLogs/NAMESPACE/POD/CONTAINER", http.StatusBadRequest)
		return
	}
	follow := r.URL.Query().Get("follow") == "true"
	for line := 1; ; line++ {
		fmt.Fprintf(w, "log line %d of %s/%s/%s\n", line, namespace, pod, container)
		w.(http.Flusher).Flush()
		if !follow && line >= 3 {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func stream(kind string, n node) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		namespace, pod, container, ok := pathParts(r.URL.Path, "/"+kind+"/")
		if !ok {
			http.Error(w, "expected /"+kind+"/NAMESPACE/POD[/CONTAINER]", http.StatusBadRequest)
			return
		}
		podName := namespace + "/" + pod
		switch kind {
		case "exec", "attach":
			options, err := streaming.NewOptions(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if kind == "exec" {
				streaming.ServeExec(w, r, n, podName, "", container, r.URL.Query()["command"], options,
					idleTimeout, creationTimeout, remotecommandconsts.SupportedStreamingProtocols)
			} else {
				streaming.ServeAttach(w, r, n, podName, "", container, options,
					idleTimeout, creationTimeout, remotecommandconsts.SupportedStreamingProtocols)
			}
		case "portForward":
			options, err := portforward.NewV4Options(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			portforward.ServePortForward(w, r, n, podName, "", options, idleTimeout, creationTimeout, portforward.SupportedProtocols)
		}
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: warden-kubelet ADDRESS (CERT and KEY in the environment)")
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/containerLogs/", logs)
	for _, kind := range []string{"exec", "attach", "portForward"} {
		mux.HandleFunc("/"+kind+"/", stream(kind, node{}))
	}
	listener, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "warden-kubelet:", err)
		os.Exit(1)
	}
	fmt.Println("warden-kubelet listening on", listener.Addr())
	server := &http.Server{Handler: mux}
	fmt.Fprintln(os.Stderr, "warden-kubelet:", server.ServeTLS(listener, os.Getenv("CERT"), os.Getenv("KEY")))
	os.Exit(1)
}
