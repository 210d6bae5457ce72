# Installs the Debian and PyPI packages that Warden's tests and demo use.
# Sourced by scripts/test and scripts/demo. Skips apt when everything is there.

DEBIAN_PACKAGES=(postgresql postgresql-client libpq-dev libssl-dev libffi-dev libsqlite3-dev openssl python3-pip curl)
PYTHON_PACKAGES=(oidc-provider-mock==0.3.4 "psycopg[binary]==3.3.9")

install_test_dependencies() {
    local missing=()
    for package in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    for package in "${PYTHON_PACKAGES[@]}"; do
        local name="${package%%==*}"
        if ! python3 -m pip show "${name%%[*}" >/dev/null 2>&1; then
            echo "==> installing Python package: $package"
            python3 -m pip install -q "$package" 2>/dev/null \
                || python3 -m pip install -q --break-system-packages "$package"
        fi
    done
}
