// zmq-raft's own RaftPersistence and BroadcastStateMachine write raft.pers and state.pers:
//   node persistence-write.js <dir> [roll]
// A sequence of updates as a zmq-raft server makes them, through a joint (transitional) configuration that is
// left in place, so the final state has {old, new} peers. With "roll", extra updates carrying long peer urls
// push raft.pers past 512 KiB so that zmq-raft rolls it (the old file kept with a timestamp suffix).
// Prints JSON of the final state as zmq-raft holds it in memory.
'use strict';
const path = require('path');
const zr = path.join(__dirname, '../../../.zmq-raft/node_modules/zmq-raft');
const RaftPersistence = require(path.join(zr, 'lib/server/raft_persistence'));
const BroadcastStateMachine = require(path.join(zr, 'lib/server/broadcast_state_machine'));

async function main() {
  const [dir, roll] = process.argv.slice(2);
  const seed = [['p1', 'tcp://127.0.0.1:8047'], ['p2', 'tcp://127.0.0.1:8147']];
  const raft = await new RaftPersistence(path.join(dir, 'raft.pers'), seed).ready();
  await raft.update({ currentTerm: 1 });
  await raft.update({ votedFor: 'p1', currentTerm: 2 });
  await raft.update({ votedFor: null, currentTerm: 3 });
  await raft.update({ currentTerm: 3000000000 }); // 2^31 and above: msgpack-lite writes a float64
  await raft.update({ votedFor: 'p2' });
  if (roll) {
    const longUrl = 'tcp://' + 'x'.repeat(20000) + ':1';
    for (let i = 0; i < 30; i++) {
      await raft.update({ peers: [['p1', longUrl + i], ['p2', 'tcp://127.0.0.1:8147']], peersUpdateRequest: 'AAAAAAAAAAAAAAAAAAAAAAAA'.slice(0, 16), peersIndex: 10 + i });
    }
  }
  await raft.update({ peers: [['p1', 'tcp://127.0.0.1:8047'], ['p2', 'tcp://127.0.0.1:8147'], ['p3', 'tcp://127.0.0.1:8247']],
                      peersUpdateRequest: 'WQ8W7hQAAABAAQAB', peersIndex: null });
  await raft.update({ peersIndex: 7 });
  await raft.update({ peers: { old: [['p1', 'tcp://127.0.0.1:8047'], ['p2', 'tcp://127.0.0.1:8147'], ['p3', 'tcp://127.0.0.1:8247']],
                               new: [['p1', 'tcp://127.0.0.1:8047'], ['p4', 'tcp://127.0.0.1:8347']] },
                      peersUpdateRequest: 'WQ8W7hQAAABAAQAC', peersIndex: null });
  await raft.update({ peersIndex: 12 });
  await raft.update({ currentTerm: 3000000001, votedFor: 'p4' });
  const state = { currentTerm: raft.currentTerm, votedFor: raft.votedFor, peers: raft.peers,
                  peersUpdateRequest: raft.peersUpdateRequest, peersIndex: raft.peersIndex };
  await raft.close();

  const sm = await new BroadcastStateMachine(path.join(dir, 'state.pers'), 'tcp://127.0.0.1:*', {}).ready();
  for (const lastApplied of [1, 2, 5, 13, 2147483648]) await sm.update({ lastApplied });
  const lastApplied = sm.lastApplied;
  await sm.close();

  return JSON.stringify({ raft: state, broadcast: { lastApplied } }) + '\n';
}

// Exit only once stdout is flushed: a pipe is written asynchronously and process.exit() would cut it short.
main().then(out => process.stdout.write(out, () => process.exit(0)), err => { console.error(err && err.stack || err); process.exit(1); });
