#!/usr/bin/env node
// Reads a stopped node's data directory (zmq-raft's layout, written by zmq-raft or by RaftRunner) with zmq-raft's
// own FileLog, read-only, and prints one JSON line:
//   {firstIndex, lastIndex, lastTerm, snapshot: {index, term, size, kv}, entries: [{i, t, ty, id, d}]}
// (id = request id, d = entry data, both hex; kv = the snapshot's data read as RaftRunner's key-value snapshot,
// after RaftRunner's envelope if it has one: {key: value}, or null for an empty snapshot). MixedClusterTests
// compares the nodes of a cluster with it.
//
// usage: node mixed-readlog.js <data-dir>
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../.zmq-raft/node_modules');
const raft = require(path.join(root, 'zmq-raft'));
const { FileLog } = raft.server;
const { readTermOf } = raft.common.LogEntry.readers;
const msgpack = require(path.join(root, 'msgpack-lite'));

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', c => chunks.push(c)).on('error', reject).on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function snapshotKeyValues(snapshot) {
  if (snapshot.dataSize === 0) return null;
  let data = await readAll(snapshot.createDataReadStream());
  if (data.length >= 12 && data.toString('ascii', 0, 8) === 'RRSNAP01') data = data.slice(12 + data.readUInt32BE(8));
  if (data.length === 0) return {};
  const map = msgpack.decode(data);
  const out = {};
  for (const key of Object.keys(map)) out[key] = Buffer.isBuffer(map[key]) ? map[key].toString('utf8') : map[key];
  return out;
}

const dir = process.argv[2];
const log = new FileLog(path.join(dir, 'log'), path.join(dir, 'snap'), true);

(async () => {
  await log.ready();
  const out = {
    firstIndex: log.firstIndex, lastIndex: log.lastIndex, lastTerm: log.lastTerm,
    snapshot: { index: log.snapshot.logIndex, term: log.snapshot.logTerm, size: log.snapshot.dataSize, kv: await snapshotKeyValues(log.snapshot) },
    entries: [],
  };
  if (log.lastIndex >= log.firstIndex) {
    const entries = await log.getEntries(log.firstIndex, log.lastIndex);
    entries.forEach((e, k) => out.entries.push({
      i: log.firstIndex + k, t: readTermOf(e), ty: e[12],
      id: e.toString('hex', 0, 12), d: e.slice(20).toString('hex'),
    }));
  }
  await log.close();
  return out;
})().then(out => console.log(JSON.stringify(out)), err => {
  console.log(JSON.stringify({ error: String(err && err.stack || err) }));
  process.exitCode = 2;
});
