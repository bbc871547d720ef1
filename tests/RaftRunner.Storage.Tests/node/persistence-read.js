// zmq-raft's own RaftPersistence and BroadcastStateMachine read raft.pers and state.pers:
//   node persistence-read.js <raft.pers> <state.pers>
// Prints JSON of the state as zmq-raft loads it (seed peers default to [["seed","tcp://seed:1"]]) and, to check
// that zmq-raft can carry on with the file, the state after one more update of each file reopened.
'use strict';
const path = require('path');
const zr = path.join(__dirname, '../../../.zmq-raft/node_modules/zmq-raft');
const RaftPersistence = require(path.join(zr, 'lib/server/raft_persistence'));
const BroadcastStateMachine = require(path.join(zr, 'lib/server/broadcast_state_machine'));

const snapshot = raft => ({ currentTerm: raft.currentTerm, votedFor: raft.votedFor, peers: raft.peers,
                            peersUpdateRequest: raft.peersUpdateRequest, peersIndex: raft.peersIndex });

async function main() {
  const [raftFile, stateFile] = process.argv.slice(2);
  const raft = await new RaftPersistence(raftFile, [['seed', 'tcp://seed:1']]).ready();
  const state = snapshot(raft);
  await raft.update({ currentTerm: raft.currentTerm + 1 });
  await raft.close();
  const reopened = await new RaftPersistence(raftFile, [['seed', 'tcp://seed:1']]).ready();
  const after = snapshot(reopened);
  await reopened.close();

  const sm = await new BroadcastStateMachine(stateFile, 'tcp://127.0.0.1:*', {}).ready();
  const lastApplied = sm.lastApplied;
  await sm.close();

  return JSON.stringify({ raft: state, raftAfterUpdate: after, broadcast: { lastApplied } }) + '\n';
}

// Exit only once stdout is flushed: a pipe is written asynchronously and process.exit() would cut it short.
main().then(out => process.stdout.write(out, () => process.exit(0)), err => { console.error(err && err.stack || err); process.exit(1); });
