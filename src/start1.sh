#!/usr/bin/env bash
# Node 1 of the seed's walkthrough: port 8041, web monitor http://localhost:8042.
exec "$(dirname "${BASH_SOURCE[0]}")/start-node.sh" 1 "$@"
