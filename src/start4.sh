#!/usr/bin/env bash
# Node 4 of the seed's walkthrough: port 8071, web monitor http://localhost:8072, joins the cluster of nodes 1-3.
exec "$(dirname "${BASH_SOURCE[0]}")/start-node.sh" 4 "$@"
