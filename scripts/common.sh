# Shared by scripts/run and scripts/test (sourced; no `set -e` here on purpose).
HERALD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERALD_BUILD=${HERALD_BUILD:-$HERALD_ROOT/build}

# Every package Herald builds, runs or tests with — all from Debian 12.
HERALD_PACKAGES=(
  build-essential cmake pkg-config ninja-build ccache
  libboost-dev libboost-program-options-dev libyaml-cpp-dev nlohmann-json3-dev
  libpoco-dev libspdlog-dev libfmt-dev catch2 libsqlite3-dev libsqlitecpp-dev librabbitmq-dev libssl-dev
  libjemalloc-dev
  python3 json-schema-test-suite openssl
  python3-aiosmtpd python3-pika rabbitmq-server amqp-tools
  nginx-light wrk python3-requests
)

# Installs what is missing (and only that) with apt-get.
herald_install_packages() {
  local missing=()
  for p in "${HERALD_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "herald: installing ${missing[*]}"
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  # Services installed for the tests must not start system-wide instances (platform-notes §3).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

herald_build() {
  local type=${1:-RelWithDebInfo}
  export CCACHE_BASEDIR=$HERALD_ROOT CCACHE_NOHASHDIR=1
  cmake -S "$HERALD_ROOT" -B "$HERALD_BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$type" &&
    cmake --build "$HERALD_BUILD" -j "$(nproc)"
}
