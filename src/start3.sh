#!/usr/bin/env bash
# Node 3 of the seed's walkthrough: port 8061, web monitor http://localhost:8062.
exec "$(dirname "${BASH_SOURCE[0]}")/start-node.sh" 3 "$@"
