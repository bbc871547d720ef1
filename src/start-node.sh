#!/usr/bin/env bash
# Starts node N of the seed's walkthrough (hocon/nodeN.conf) in the foreground; src/start1.sh … start4.sh call it.
# Run from the repository root. Builds raft-runner once (Release) when it is missing or older than the sources.
#   ./src/start1.sh [--ip IP] [other raft-runner node options]
# The address is 127.0.0.1 unless --ip IP or RAFT_RUNNER_IP is given (the seed used the first external IPv4:
# RAFT_RUNNER_IP=$(hostname -I | cut -d' ' -f1) ./src/start1.sh).
set -euo pipefail
n=${1:?usage: start-node.sh N [options]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bin=src/RaftRunner.Cli/bin/Release/net10.0/raft-runner

args=()
while (($#)); do
  case $1 in
    --ip) export RAFT_RUNNER_IP=${2:?--ip needs an address}; shift 2 ;;
    --ip=*) export RAFT_RUNNER_IP=${1#--ip=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

stale() { [[ ! -x $bin ]] || [[ -n $(find src -name '*.cs' -newer "$bin" -print -quit 2>/dev/null) ]]; }

# Build once; later starts only check that no source is newer than the binary. Scripts started together wait
# for one build (the lock) instead of building side by side.
mkdir -p tmp/walkthrough
if stale; then
  exec 9>tmp/walkthrough/.build.lock
  flock 9
  if stale; then
    echo "start$n: building raft-runner (once)…" >&2
    dotnet build src/RaftRunner.Cli -c Release -v quiet -nologo >&2
    touch "$bin" # an up-to-date build may leave it older than a source it did not need to recompile
  fi
  flock -u 9
fi
exec "$bin" node --config "hocon/node$n.conf" "${args[@]}"
