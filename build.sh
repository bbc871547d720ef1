#!/usr/bin/env bash
# Cake bootstrapper: makes sure the native libraries the project needs are present, restores the local
# Cake tool (.config/dotnet-tools.json) and runs build.cake with the given arguments.
#   ./build.sh --target=Test      every test          ./build.sh --target=TestFast   unit tests only
#   ./build.sh --target=Bench     benchmarks          ./build.sh --target=Build      compile only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

have_libzmq() { ldconfig -p 2>/dev/null | grep -q 'libzmq\.so\.5'; }
have_zmq_headers() { [[ -f /usr/include/zmq.h ]]; }

# libzmq (the reference ZeroMQ, which the project binds to) and its headers (zmq-raft's Node.js binding
# is built against them for the interop tests).
ensure_native_packages() {
  local missing=()
  have_libzmq || missing+=(libzmq5)
  have_zmq_headers || missing+=(libzmq3-dev)
  ((${#missing[@]} == 0)) && return 0
  if [[ -f /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "build.sh: installing ${missing[*]} (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "build.sh: missing ${missing[*]}. Install libzmq 4.3 and its headers (Debian/Ubuntu: 'sudo apt-get install libzmq5 libzmq3-dev'; Fedora: 'sudo dnf install zeromq zeromq-devel'; macOS: 'brew install zeromq') and run again." >&2
    exit 1
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
