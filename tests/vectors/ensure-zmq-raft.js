// Makes sure zmq-raft is installed (tests/vectors/install-zmq-raft.sh, into the git-ignored .zmq-raft/)
// and returns its node_modules folder, so each generator can simply be run with `node`.
"use strict";
const path = require('path');
const { execFileSync } = require('child_process');

module.exports = function ensureZmqRaft() {
  const script = path.join(__dirname, 'install-zmq-raft.sh');
  const packagePath = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  return path.dirname(packagePath);
};
