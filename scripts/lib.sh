# Shared by scripts/run and scripts/test: install what is missing, find swift.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages needed to build and run ree.
BUILD_PACKAGES=(pkg-config libarchive-dev libseccomp-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libzstd-dev
                libsqlite3-dev mmdebstrap busybox-static uidmap ca-certificates apt-utils)
# Tools the tests use to check our output, and the benchmarks' peers.
TEST_PACKAGES=(skopeo umoci oci-image-tool podman buildah bubblewrap hyperfine libarchive-tools unzip wget
               httpie wrk python3-pip python3-venv util-linux iproute2)

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

# --- recording (ReeRecorder) -------------------------------------------------------------------
TEST_PACKAGES+=(curl openssl)   # the proxy tests: a client and a test certificate
# warcio checks our WARC files in the tests (`warcio check`, `warcio index`); installed from PyPI
# with pip's own configuration.
install_warcio() {
  python3 -c 'import warcio' 2>/dev/null && return 0
  echo "==> installing warcio (pip)"
  python3 -m pip install -q --break-system-packages warcio 2>/dev/null || python3 -m pip install -q warcio
}
