#!/usr/bin/env node
// Writes traces.json: zmq-raft 0.5.0's own RequestEntries handler (requestEntriesHandler, server.js:230-549)
// driven over a real FileLog (and, in some traces, a real compaction snapshot), with every request a client
// sent and every response the handler gave. EntriesStreamTraceTests replays each trace against
// EntriesStreamServer and compares every response, so the committed file pins RaftRunner's batching,
// pipelining and snapshot chunking to the reference without needing Node at test time.
//
// The output is deterministic: entry sizes and the fuzzing clients come from seeded generators, and nothing
// in it depends on time. The handler itself is asynchronous (it reads the FileLog through streams), so each
// step waits until the handler has nothing more to send (every read stream it opened is paused, ended or
// cancelled) rather than for a fixed time. raft_server.js captures Date.now when it is loaded; it is loaded
// with a frozen clock, so no stream ever expires here however slow the machine (the TTL sweep is covered by
// EntriesStreamServerTests instead).
//
// Regenerate:  node tests/vectors/requestentries/generate.js   (installs zmq-raft first if it is missing)
"use strict";
const path = require('path');
const fs = require('fs');
const os = require('os');
const root = require('../ensure-zmq-raft')();
const zr = (p) => require(path.join(root, 'zmq-raft', p));
const FileLog = zr('lib/server/filelog');
const SnapshotFile = zr('lib/common/snapshotfile');
const lock = zr('lib/utils/lock');
const { FSM_LEADER } = zr('lib/common/constants');
const { createFramesProtocol } = zr('lib/protocol');
const { decodeResponse } = createFramesProtocol('RequestEntries');

// zmq-raft's defaults (config/default.hjson); the test builds EntriesStreamOptions from these.
const options = { pipelines: 5, snapshotPipelines: 2, entrySizeLimitPipeline: 65536, highWatermark: 8000, ttlMs: 5000 };

// --- knowing when the handler is done with a request -------------------------------------------------------

// Read streams the handler opened and snapshot locks it is waiting for; see settle().
const streams = new Set();
let locksWaiting = 0;
const track = (create) => function (...args) {
  const stream = create.apply(this, args);
  streams.add(stream);
  return stream;
};
FileLog.prototype.createEntriesReadStream = track(FileLog.prototype.createEntriesReadStream);
SnapshotFile.prototype.createDataReadStream = track(SnapshotFile.prototype.createDataReadStream);
// Patched before raft_server.js is loaded, because it keeps its own reference (const { shared: lockShared }).
const lockShared = lock.shared;
lock.shared = (scope, callback) => {
  locksWaiting++;
  return lockShared(scope, (...args) => { locksWaiting--; return callback(...args); });
};

const realNow = Date.now;
Date.now = () => 0;
const server = zr('lib/server/raft_server');
Date.now = realNow;

/** Resolves once no reply can come without another request: no lock pending, every stream still listened to paused. */
async function settle() {
  for (let spins = 0; ; spins++) {
    await new Promise(resolve => setImmediate(resolve));
    for (const s of streams) {
      if (s.readableEnded || s.destroyed || s.listenerCount('data') === 0) streams.delete(s);
    }
    if (locksWaiting === 0 && [...streams].every(s => s.isPaused())) return;
    if (spins > 10000000) throw new Error('the handler never settled');
  }
}

// --- one trace -----------------------------------------------------------------------------------------------

/** Entry data sizes as the original harness drew them (the same generator, in the same order). */
function drawSizes(rnd, count, mode) {
  const sizes = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    sizes.push(mode === 'small' ? Math.floor(rnd() * 300) : mode === 'tiny' ? 0 : mode === 'big' ? 30000 + Math.floor(rnd() * 80000)
      : r < 0.08 ? 66000 + Math.floor(rnd() * 140000) : r < 0.5 ? Math.floor(rnd() * 40) : Math.floor(rnd() * 6000));
  }
  return sizes;
}

async function record(scenario) {
  let seed = scenario.seed;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const dataSizes = scenario.dataSizes || drawSizes(rnd, scenario.entries, scenario.sizes);
  const n = dataSizes.length;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'raftrunner-requestentries-'));
  const log = await new FileLog(path.join(dir, 'log'), path.join(dir, 'snap'), { indexFileCapacity: scenario.capacity }).ready();
  for (let i = 0; i < n; i++) {
    const requestId = Buffer.alloc(12);
    requestId.writeUInt32BE(i + 1, 8);
    await log.appendEntry(requestId, 0, 1, Buffer.alloc(dataSizes[i], i & 255));
  }
  let snapshot = null;
  if (scenario.snapshot) {
    const { index, size } = scenario.snapshot;
    const snap = log.createTmpSnapshot(index, 1, size);
    await snap.ready();
    await snap.write(Buffer.alloc(size, 7), 0, size);
    await log.installSnapshot(snap, true);
    snapshot = { index, term: 1, size };
  }

  const srv = {
    state: FSM_LEADER, followLeaderId: null, entriesRequests: new Map(), _log: log, lastApplied: scenario.lastApplied,
    requestEntriesHighWatermak: options.highWatermark, requestEntriesTtl: options.ttlMs, requestEntriesPipelines: options.pipelines,
    requestEntriesEntrySizeLimitPipeline: options.entrySizeLimitPipeline, requestEntriesSnapshotPipelines: options.snapshotPipelines,
    error: e => { console.error(e); process.exit(1); }, _entryRequestCleaner: null,
  };
  // A response as [status, lastIndex, entry count], or a snapshot chunk as [3, lastIndex, offset, total size, term, length].
  const received = [];
  const reply = frames => {
    const res = decodeResponse(frames);
    if (res[0] === 3) received.push([3, res[2], res[1][0], res[1][1], res[1][2], res[3].length]);
    else received.push([res[0], res[2], res.length - 3]);
  };
  reply.ident = Buffer.from('client');
  reply.requestId = Buffer.from([1, 2, 3]);

  const steps = [];
  const send = async (prev, count, offset) => {
    received.length = 0;
    server.requestEntriesHandler.call(srv, reply, prev, count, offset);
    await settle();
    steps.push({ request: [prev, count === undefined ? null : count, offset === undefined ? null : offset], responses: received.slice(), active: srv.entriesRequests.size });
    return received.slice();
  };

  // The client acknowledges the oldest unacknowledged response, one at a time, as zmq-raft's pclient.js does;
  // a fuzzing client also drops responses and sends stray, stopping and out-of-order requests.
  let prev = scenario.prevIndex;
  const queue = await send(prev, undefined, scenario.snapshotOffset);
  const fuzz = scenario.client === 'fuzz';
  for (let guard = 0; (queue.length || fuzz) && guard < (fuzz ? 300 : 1000); guard++) {
    if (fuzz) {
      const x = rnd();
      if (x < 0.08) { queue.push(...await send(Math.floor(rnd() * (n + 5)), undefined, undefined)); continue; }
      if (x < 0.12) { queue.push(...await send(Math.floor(rnd() * n), 0, undefined)); continue; }
      if (x < 0.18) { queue.push(...await send(Math.floor(rnd() * (n + 5)), rnd() < 0.5 ? undefined : 1 + Math.floor(rnd() * 30), rnd() < 0.3 ? Math.floor(rnd() * 300000) : undefined)); continue; }
      if (x < 0.22) { queue.shift(); continue; }
    }
    const r = queue.shift();
    if (r === undefined) { queue.push(...await send(Math.floor(rnd() * n), undefined, undefined)); continue; }
    if (r[0] === 1) continue;
    let next;
    if (r[0] === 3) {
      const end = r[2] + r[5];
      next = end === r[3] ? [r[1], undefined, undefined] : [prev, null, end];
      if (end === r[3]) prev = r[1];
    } else {
      prev = r[1];
      next = [r[1], undefined, undefined];
    }
    queue.push(...await send(...next));
  }

  // Stop what is left so the snapshot lock is released and the log can close.
  for (const pending of [...srv.entriesRequests.values()]) pending.cancel();
  streams.clear();
  await log.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { name: scenario.name, capacity: scenario.capacity, sizes: dataSizes.map(s => s + 20), snapshot, lastApplied: scenario.lastApplied, steps };
}

// --- the traces ----------------------------------------------------------------------------------------------

// sizes: mixed (mostly small, 8% over 64 KiB), small (< 300 B), tiny (empty data), big (30-110 KB).
const ordered = { client: 'in order', capacity: 16, entries: 100, sizes: 'mixed', lastApplied: 97, prevIndex: 3 };
const snapshot40 = { ...ordered, snapshot: { index: 40, size: 200000 } };
const scenarios = [
  { ...ordered, name: 'mixed sizes, 16 entries per index file', seed: 1 },
  { ...ordered, name: 'small entries, one index file', seed: 2, capacity: 16384, entries: 3000, sizes: 'small', lastApplied: 2990, prevIndex: 0 },
  { ...ordered, name: 'small entries, 64 per index file, everything applied', seed: 3, capacity: 64, entries: 3000, sizes: 'small', lastApplied: 3000, prevIndex: 5 },
  { ...ordered, name: 'one entry per index file', seed: 4, capacity: 1, entries: 40, lastApplied: 40, prevIndex: 0 },
  { ...ordered, name: 'big entries, two per index file', seed: 5, capacity: 2, entries: 60, sizes: 'big', lastApplied: 55, prevIndex: 7 },
  { ...ordered, name: 'ten thousand empty entries', seed: 6, capacity: 16384, entries: 10000, sizes: 'tiny', lastApplied: 9999, prevIndex: 0 },
  { ...ordered, name: 'prevIndex beyond lastApplied', seed: 7, lastApplied: 50, prevIndex: 60 },
  { ...ordered, name: 'prevIndex at lastApplied', seed: 8, lastApplied: 50, prevIndex: 50 },
  { ...ordered, name: 'big entries, 16 per index file', seed: 9, entries: 30, sizes: 'big', lastApplied: 30, prevIndex: 0 },
  { ...ordered, name: 'small entries, 4 per index file', seed: 15, capacity: 4, entries: 2000, sizes: 'small', lastApplied: 1990, prevIndex: 1 },
  {
    // 1-10 end at the first 64 KiB read; 11 (100 KiB) fills a batch alone and waits for its ack; 14-15 end the
    // first index file (1-15); 16-28 fill the second file's first read; 29-31 end that file.
    ...ordered, name: 'batches are cut where the FileLog reads end', seed: 0, lastApplied: 40, prevIndex: 0,
    dataSizes: [...Array(10).fill(1000), 100000, 30000, 30000, 30000, ...Array(26).fill(5000)],
  },
  { ...snapshot40, name: 'snapshot of 200000 bytes, then entries', seed: 7 },
  { ...snapshot40, name: 'snapshot of 200000 bytes, then entries, other sizes', seed: 13 },
  { ...snapshot40, name: 'snapshot of exactly one chunk', seed: 10, snapshot: { index: 40, size: 65536 } },
  { ...snapshot40, name: 'snapshot of exactly two chunks, from prevIndex 0', seed: 11, snapshot: { index: 40, size: 131072 }, prevIndex: 0 },
  { ...snapshot40, name: 'small snapshot, prevIndex just before it', seed: 12, snapshot: { index: 40, size: 100 }, prevIndex: 39 },
  { ...snapshot40, name: 'snapshot with small entries after it', seed: 14, capacity: 8, entries: 120, sizes: 'small', lastApplied: 110, prevIndex: 20, snapshot: { index: 60, size: 300000 } },
  { ...snapshot40, name: 'empty snapshot', seed: 13, snapshot: { index: 40, size: 0 } },
  { ...snapshot40, name: 'snapshot offset at its size', seed: 13, snapshot: { index: 40, size: 100 }, snapshotOffset: 100 },
  { ...snapshot40, name: 'snapshot offset beyond its size', seed: 13, snapshot: { index: 40, size: 100 }, snapshotOffset: 101 },
  { ...snapshot40, name: 'snapshot from an offset', seed: 13, snapshot: { index: 40, size: 100 }, snapshotOffset: 50 },
];
for (const seed of [21, 22, 23, 24, 25, 26]) {
  scenarios.push({ ...snapshot40, name: `fuzzing client over a snapshot and entries, seed ${seed}`, client: 'fuzz', seed,
    capacity: 8, entries: 120, lastApplied: 110, prevIndex: 20, snapshot: { index: 60, size: 150000 } });
}
for (const seed of [31, 32, 33]) {
  scenarios.push({ ...ordered, name: `fuzzing client over small entries, seed ${seed}`, client: 'fuzz', seed,
    capacity: 4, entries: 200, sizes: 'small', lastApplied: 190, prevIndex: 0 });
}

async function main() {
  const traces = [];
  for (const scenario of scenarios) traces.push(await record(scenario));
  // One step per line, so a change in zmq-raft or in this script shows up as a readable diff.
  const header = JSON.stringify({ generator: 'tests/vectors/requestentries/generate.js', zmqRaft: '0.5.0', options }).slice(0, -1);
  const lines = traces.map(({ steps, ...rest }) =>
    `  ${JSON.stringify(rest).slice(0, -1)}, "steps": [\n${steps.map(s => `    ${JSON.stringify(s)}`).join(',\n')}\n  ]}`);
  fs.writeFileSync(path.join(__dirname, 'traces.json'), `${header}, "traces": [\n${lines.join(',\n')}\n]}\n`);
  process.exit(0);
}
main().catch(e => { console.error(e); process.exit(1); });
