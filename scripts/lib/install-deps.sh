# Installs the Debian and PyPI packages that Warden's tests, demo and benchmark use,
# and builds the Kubernetes fixture (scripts/lib/kube-fixture.sh). Sourced by
# scripts/test, scripts/demo and scripts/bench. Skips apt when everything is there.

source "$(dirname "${BASH_SOURCE[0]}")/kube-fixture.sh"

# MariaDB for the MySQL tests (Tests/IntegrationTests/Support/MariaDBServer.swift),
# which start their own mariadbd with --no-defaults on their own port, socket and data
# directory: the system service the package sets up is never used, and is harmless
# if the package's postinst starts it (this image's policy-rc.d denies that).
# libmariadb-dev and pkg-config let pip build mysqlclient.
DEBIAN_PACKAGES=(postgresql postgresql-client libpq-dev libpg-query-dev libssl-dev libffi-dev libsqlite3-dev zlib1g-dev openssl python3-pip curl
    libpostgresql-jdbc-java libsodium-dev mariadb-server mariadb-client libmariadb-dev pkg-config)
PYTHON_PACKAGES=(
    # First, so the packages below that need cryptography (Authlib, PyMySQL's
    # caching_sha2_password and sha256_password) find this version rather than the newest.
    cryptography==48.0.0
    oidc-provider-mock==0.3.4 "psycopg[binary]==3.3.9" asyncpg==0.32.0 psycopg2-binary==2.9.13
    sqlalchemy==2.1.9 greenlet==3.5.6
    # The HTTP tests' upstreams (Tests/Support/http) and clients.
    gunicorn==27.0.1 httpx==0.28.1 websockets==17.4
    flask==3.1.3 werkzeug==3.1.9 brotlicffi==1.2.1.0 decorator==5.2.1 six==1.17.0
    # The Kubernetes tests' Python client (WebSocket exec), and the player of their asciicast files.
    kubernetes==37.0.2 asciinema==2.4.0
    # The MySQL tests' drivers; PyNaCl is PyMySQL's ed25519 sign-in, mysqlclient builds against libmariadb-dev.
    PyMySQL==1.2.4 PyNaCl==1.6.2 mysqlclient==2.3.2 mysql-connector-python==26.10.0)
# Installed without their declared dependencies, which PYTHON_PACKAGES holds
# instead: httpbin 0.10.4 asks for greenlet<3.0 on Python < 3.12 (for gevent,
# which it does not import) and would downgrade the greenlet==3.5.6 that
# SQLAlchemy's asyncio engine uses.
PYTHON_PACKAGES_NO_DEPS=(httpbin==0.10.4)
# node-postgres for the driver tests. Debian's node-pg cannot be installed beside
# this image's Node.js 20, so its packages are unpacked into a folder of their
# own; the tests run node with NODE_PATH=$NODE_PG_DIR/usr/share/nodejs.
NODE_PG_DIR=/var/cache/warden-test/node-pg
NODE_PG_PACKAGES=(node-pg node-split2 node-xtend)
# Only scripts/bench uses them: pgbouncer to compare Warden with, nginx as the
# HTTP upstream and the TLS reverse proxy to compare with, wrk to load them;
# for MySQL, HAProxy to compare with and sysbench to load them (MariaDB comes
# with DEBIAN_PACKAGES).
BENCH_DEBIAN_PACKAGES=(pgbouncer nginx wrk sysbench haproxy)

install_test_dependencies() {
    install_debian_packages "${DEBIAN_PACKAGES[@]}"
    # The JDBC test runs its client as a single source file (java File.java),
    # which takes a JDK 11 or later: any already installed, else Debian's default.
    command -v javac >/dev/null || install_debian_packages default-jdk-headless
    command -v node >/dev/null || install_debian_packages nodejs
    install_node_pg
    for package in "${PYTHON_PACKAGES[@]}"; do install_python_package "$package"; done
    for package in "${PYTHON_PACKAGES_NO_DEPS[@]}"; do install_python_package "$package" --no-deps; done
    install_kube_fixture
}

# install_python_package SPEC [PIP OPTION...]: unless a package of that name is there.
install_python_package() {
    local package=$1 name="${1%%==*}"
    shift
    if ! python3 -m pip show "${name%%[*}" >/dev/null 2>&1; then
        echo "==> installing Python package: $package"
        python3 -m pip install -q "$@" "$package" 2>/dev/null \
            || python3 -m pip install -q --break-system-packages "$@" "$package"
    fi
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

# Only scripts/mysql-peer-suites uses them: Debian's mariadb-test for mariadb-client-test
# (MariaDB's C API tests); mysqlclient's own tests, from the source distribution of the
# version PYTHON_PACKAGES installs, run with pytest and pytest-timeout (a hung test is
# stopped and recorded as failed); SQLAlchemy (PYTHON_PACKAGES) for its test_sqlalchemy.py.
MYSQL_PEER_DEBIAN_PACKAGES=(mariadb-server mariadb-client mariadb-test libmariadb-dev pkg-config openssl python3-pip)
MYSQL_PEER_PYTHON_PACKAGES=(mysqlclient==2.3.2 pytest==9.0.3 pytest-timeout==2.4.0 sqlalchemy==2.1.9 greenlet==3.5.6)
MYSQL_PEER_CACHE=${WARDEN_MYSQL_PEER_CACHE:-/var/cache/warden-test/mysql-peer}

# Sets MYSQLCLIENT_VERSION and MYSQLCLIENT_SDIST (the cached mysqlclient-VERSION.tar.gz).
install_mysql_peer_dependencies() {
    install_debian_packages "${MYSQL_PEER_DEBIAN_PACKAGES[@]}"
    for package in "${MYSQL_PEER_PYTHON_PACKAGES[@]}"; do install_python_package "$package"; done
    MYSQLCLIENT_VERSION=$(printf '%s\n' "${MYSQL_PEER_PYTHON_PACKAGES[@]}" | sed -n 's/^mysqlclient==//p')
    MYSQLCLIENT_SDIST="$MYSQL_PEER_CACHE/mysqlclient-$MYSQLCLIENT_VERSION.tar.gz"
    if [ ! -f "$MYSQLCLIENT_SDIST" ]; then
        echo "==> downloading mysqlclient $MYSQLCLIENT_VERSION's source distribution (its tests) into $MYSQL_PEER_CACHE"
        mkdir -p "$MYSQL_PEER_CACHE"
        python3 -m pip download -q --no-binary :all: --no-deps -d "$MYSQL_PEER_CACHE" "mysqlclient==$MYSQLCLIENT_VERSION"
    fi
    local installed
    installed=$(python3 -m pip show mysqlclient 2>/dev/null | sed -n 's/^Version: //p')
    [ "$installed" = "$MYSQLCLIENT_VERSION" ] \
        || echo "warning: mysqlclient $installed is installed; its tests are those of $MYSQLCLIENT_VERSION" >&2
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
