#!/usr/bin/env bash
# Cake bootstrapper: makes sure the native libraries the project needs are present, restores the local
# Cake tool (.config/dotnet-tools.json) and runs build.cake with the given arguments.
#   ./build.sh --target=Test      every test          ./build.sh --target=TestFast   unit tests only
#   ./build.sh --target=Bench     benchmarks          ./build.sh --target=Build      compile only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The browser test uses the system's chromium; Playwright must never try to download one (the network is closed).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

have_libzmq() { ldconfig -p 2>/dev/null | grep -q 'libzmq\.so\.5'; }
have_zmq_headers() { [[ -f /usr/include/zmq.h ]]; }
have_chromium() { [[ -n ${RAFTRUNNER_CHROMIUM:-} ]] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }

# libzmq (the reference ZeroMQ, which the project binds to) and its headers (zmq-raft's Node.js binding
# is built against them for the interop tests); chromium, which the web monitor's browser test drives
# through Playwright (Playwright's own browser download is never used).
ensure_native_packages() {
  local missing=() browser=()
  have_libzmq || missing+=(libzmq5)
  have_zmq_headers || missing+=(libzmq3-dev)
  have_chromium || browser+=(chromium)
  ((${#missing[@]} + ${#browser[@]} == 0)) && return 0
  if [[ -f /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "build.sh: installing ${missing[*]} ${browser[*]} (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" "${browser[@]}" >/dev/null
  elif ((${#missing[@]} > 0)); then
    echo "build.sh: missing ${missing[*]}. Install libzmq 4.3 and its headers (Debian/Ubuntu: 'sudo apt-get install libzmq5 libzmq3-dev'; Fedora: 'sudo dnf install zeromq zeromq-devel'; macOS: 'brew install zeromq') and run again." >&2
    exit 1
  fi
  if ! have_chromium; then
    # Not fatal for the build: only the web monitor's browser test needs it, and it fails saying so.
    echo "build.sh: chromium is missing, so the web monitor's browser test will fail. Install it (Debian: 'sudo apt-get install chromium'; Ubuntu: 'sudo snap install chromium') or set RAFTRUNNER_CHROMIUM to a Chromium binary." >&2
  fi
}

if ! command -v dotnet >/dev/null; then
  echo "build.sh: the .NET SDK 10 is required (https://dot.net); 'dotnet' is not on PATH." >&2
  exit 1
fi

case " $* " in
  *" --target=Clean "*|*" --target=Build "*) ;;
  *) ensure_native_packages ;;
esac

dotnet tool restore >/dev/null
exec dotnet tool run dotnet-cake build.cake "$@"
