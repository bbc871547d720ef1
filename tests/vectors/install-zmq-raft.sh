#!/usr/bin/env bash
# Installs zmq-raft 0.5.0 (the reference implementation, used by the vector generators and the interop
# tests) into <repo>/.zmq-raft, which git ignores. Idempotent and quiet when already installed.
# Prints the path of node_modules/zmq-raft on success.
#
# Recipe (../shared/DESIGN.md): zmq-raft requires 'debug' without declaring it; the 'nan' that
# zeromq@5.2.8 asks for no longer compiles against Node 20, so it is overridden; zmq_external=true
# makes zeromq build against the system libzmq (libzmq3-dev) instead of downloading its sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.zmq-raft"
marker="$dir/node_modules/zmq-raft/package.json"

if [[ -f "$marker" && -f "$dir/.installed" ]]; then
  echo "$dir/node_modules/zmq-raft"
  exit 0
fi

# Test classes run in parallel and each may ask for zmq-raft: one installs, the others wait for it.
mkdir -p "$dir"
exec 9>"$root/.zmq-raft.lock"
flock -w 600 9 || { echo "install-zmq-raft: timed out waiting for another installation" >&2; exit 1; }
if [[ -f "$marker" && -f "$dir/.installed" ]]; then
  echo "$dir/node_modules/zmq-raft"
  exit 0
fi
command -v node >/dev/null || { echo "install-zmq-raft: Node.js (20+) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "install-zmq-raft: npm is required" >&2; exit 1; }
[[ -f /usr/include/zmq.h ]] || { echo "install-zmq-raft: libzmq headers are missing (Debian: apt-get install libzmq3-dev; ./build.sh installs them)" >&2; exit 1; }

mkdir -p "$dir"
cat > "$dir/package.json" <<'JSON'
{
  "name": "raftrunner-zmq-raft-reference",
  "version": "1.0.0",
  "private": true,
  "description": "zmq-raft, installed by RaftRunner's tests as the reference implementation",
  "dependencies": { "zmq-raft": "0.5.0", "debug": "4.3.4", "msgpack-lite": "0.1.26" },
  "overrides": { "nan": "2.30.0" }
}
JSON
echo "zmq_external=true" > "$dir/.npmrc"
( cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>"$dir/npm-install.log" ) || {
  echo "install-zmq-raft: npm install failed; see $dir/npm-install.log" >&2
  tail -20 "$dir/npm-install.log" >&2
  exit 1
}
touch "$dir/.installed"
echo "$dir/node_modules/zmq-raft"
