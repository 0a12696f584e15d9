# Shared by scripts/run and scripts/test: install what is missing, find swift.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build and run ree.
BUILD_PACKAGES=(pkg-config libarchive-dev libseccomp-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libzstd-dev libdeflate-dev
                libsqlite3-dev mmdebstrap busybox-static uidmap ca-certificates apt-utils)
# Tools the tests use to check our output, and the benchmarks' peers.
TEST_PACKAGES=(skopeo umoci oci-image-tool podman buildah bubblewrap hyperfine libarchive-tools unzip wget
               httpie wrk python3-pip python3-venv util-linux iproute2 zip)

need_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: run as root (it installs Debian packages with apt-get)" >&2
    exit 1
  fi
}

# Installs the given Debian packages that are not installed yet.
install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    need_root
    echo "==> installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

find_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
      [[ -x $dir/swift ]] && export PATH="$dir:$PATH" && break
    done
  fi
  command -v swift >/dev/null 2>&1 || { echo "error: swift 6 is not installed (expected on PATH or in /opt/swift)" >&2; exit 1; }
}

# The host's Debian apt source files (mmdebstrap takes them as its mirrors): no archive host is written here.
host_apt_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    if [[ $f == */sources.list ]]; then grep -qs '^deb ' "$f" && echo "$f"; continue; fi
    grep -qs 'debian-archive-keyring' "$f" && echo "$f"
  done
}

# SBOM validators for the ReeSBOM tests: cyclonedx-python-lib (JSON schema validation) and
# spdx-tools (pyspdxtools), in a venv under .build-venv/ so the system Python stays untouched.
# The tests look there (or in $REE_SBOM_VALIDATORS, or on PATH).
install_sbom_validators() {
  local venv="$REPO/.build-venv"
  if [[ -x $venv/bin/pyspdxtools ]] && "$venv/bin/python3" -c 'import cyclonedx.validation.json, jsonschema' 2>/dev/null; then
    return
  fi
  echo "==> installing the SBOM validators into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check 'cyclonedx-python-lib[json-validation]>=8,<12' 'spdx-tools>=0.8,<0.9'
}

# ---- REST API tests (ReeAPITests) -------------------------------------------------------------
# htpasswd (apache2-utils) writes the bcrypt users the auth tests read; curl is the tests' HTTP client;
# httpie runs the API document's examples.
API_TEST_PACKAGES=(apache2-utils curl httpie python3-pip)
# From PyPI: schemathesis checks the server against its OpenAPI document; oidc-provider-mock is a
# real OIDC provider; cryptography signs the tests' own tokens.
API_PIP_PACKAGES=(schemathesis oidc-provider-mock cryptography)

# Installs the given PyPI packages that python3 cannot import yet (Debian's python needs
# --break-system-packages; a pyenv or venv python does not).
install_pip_packages() {
  local missing=()
  for p in "$@"; do
    python3 -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('${p//-/_}') else 1)" 2>/dev/null || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "==> pip installing ${missing[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}" 2>/dev/null \
      || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${missing[@]}"
  fi
}

# --- recording (ReeRecorder) -------------------------------------------------------------------
TEST_PACKAGES+=(curl openssl)   # the proxy tests: a client and a test certificate
# warcio checks our WARC files in the tests (`warcio check`, `warcio index`); installed from PyPI
# with pip's own configuration.
install_warcio() {
  python3 -c 'import warcio' 2>/dev/null && return 0
  echo "==> installing warcio (pip)"
  python3 -m pip install -q --break-system-packages warcio 2>/dev/null || python3 -m pip install -q warcio
}
