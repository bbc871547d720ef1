#!/usr/bin/env bash
# Node 2 of the seed's walkthrough: port 8051, web monitor http://localhost:8052.
exec "$(dirname "${BASH_SOURCE[0]}")/start-node.sh" 2 "$@"
