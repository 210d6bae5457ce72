# Installs the Debian and PyPI packages that Warden's tests, demo and benchmark use.
# Sourced by scripts/test, scripts/demo and scripts/bench. Skips apt when
# everything is there.

DEBIAN_PACKAGES=(postgresql postgresql-client libpq-dev libpg-query-dev libssl-dev libffi-dev libsqlite3-dev openssl python3-pip curl
    libpostgresql-jdbc-java)
PYTHON_PACKAGES=(oidc-provider-mock==0.3.4 "psycopg[binary]==3.3.9" asyncpg==0.32.0 psycopg2-binary==2.9.13
    sqlalchemy==2.1.9 greenlet==3.5.6)
# node-postgres for the driver tests. Debian's node-pg cannot be installed beside
# this image's Node.js 20, so its packages are unpacked into a folder of their
# own; the tests run node with NODE_PATH=$NODE_PG_DIR/usr/share/nodejs.
NODE_PG_DIR=/var/cache/warden-test/node-pg
NODE_PG_PACKAGES=(node-pg node-split2 node-xtend)
# Only scripts/bench compares Warden with it.
BENCH_DEBIAN_PACKAGES=(pgbouncer)

install_test_dependencies() {
    install_debian_packages "${DEBIAN_PACKAGES[@]}"
    # The JDBC test runs its client as a single source file (java File.java),
    # which takes a JDK 11 or later: any already installed, else Debian's default.
    command -v javac >/dev/null || install_debian_packages default-jdk-headless
    command -v node >/dev/null || install_debian_packages nodejs
    install_node_pg
    for package in "${PYTHON_PACKAGES[@]}"; do
        local name="${package%%==*}"
        if ! python3 -m pip show "${name%%[*}" >/dev/null 2>&1; then
            echo "==> installing Python package: $package"
            python3 -m pip install -q "$package" 2>/dev/null \
                || python3 -m pip install -q --break-system-packages "$package"
        fi
    done
}

install_node_pg() {
    [ -f "$NODE_PG_DIR/usr/share/nodejs/pg/package.json" ] && return
    echo "==> unpacking Debian packages into $NODE_PG_DIR: ${NODE_PG_PACKAGES[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    local download
    download=$(mktemp -d)
    chown _apt "$download" 2>/dev/null || true  # else apt warns that it downloads unsandboxed
    $sudo apt-get update -qq
    (cd "$download" && $sudo apt-get download -qq "${NODE_PG_PACKAGES[@]}") || return 1
    $sudo mkdir -p "$NODE_PG_DIR"
    for deb in "$download"/*.deb; do
        $sudo dpkg -x "$deb" "$NODE_PG_DIR"
    done
    $sudo rm -rf "$download"
}

install_bench_dependencies() {
    install_test_dependencies
    install_debian_packages "${BENCH_DEBIAN_PACKAGES[@]}"
}

install_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}
