#!/usr/bin/env node
// Drives a mixed cluster (zmq-raft and RaftRunner nodes) with zmq-raft's own client (ZmqRaftClient,
// zmq-raft 0.5.0) for MixedClusterTests. Prints one JSON line on stdout; exits 0 on success, 2 on failure
// (the JSON then has "error"), 3 when its own hard time limit passed.
//
// usage:
//   node mixed-client.js leader   <secret> <url,url,…> <timeoutMs>
//       → {leaderId, peers, term}: a peer answered RequestConfig as leader, and RequestLogInfo to the
//         leader confirms it
//   node mixed-client.js updates  <secret> <url,url,…> <keyPrefix> <count> <concurrency> <timeoutMs>
//       → {acked: [{id, index, key, value, data}], failed: [{id, key, error}]}: RequestUpdate of count
//         key-value "set" commands ({op:"set",key,value} in MessagePack, RaftRunner's built-in state
//         machine's format); id = request id (hex), data = entry data (hex)
//   node mixed-client.js converge <secret> <url,url,…> <minIndex> <timeoutMs>
//       → {infos: [{url, …RequestLogInfo}]}: every url, asked directly, answered RequestLogInfo with the same
//         term, leader, commitIndex, lastIndex and lastApplied (commitIndex at least minIndex), one of them as leader
//   node mixed-client.js entries  <secret> <url,url,…> <afterIndex> <timeoutMs>
//       → {snapshot: {index, term, size} | null, entries: [{i, t, ty, id, d}]}: RequestEntries from the
//         leader (its snapshot's chunks first when afterIndex is before it), from afterIndex + 1 to its end
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../.zmq-raft/node_modules');
const raft = require(path.join(root, 'zmq-raft'));
const msgpack = require(path.join(root, 'msgpack-lite'));
const { ZmqRaftClient, ZmqRaftPeerClient } = raft.client;
const { genIdent } = raft.utils.id;

const [command, secret, urlList, ...args] = process.argv.slice(2);
const urls = (urlList || '').split(',').filter(u => u.length !== 0);
const clients = [];

function newClient(peerUrls, extra) {
  const client = new ZmqRaftClient(peerUrls, Object.assign({ secret, timeout: 500, lazy: false, highwatermark: 64 }, extra));
  clients.push(client);
  return client;
}

const delay = (ms) => new Promise(resolve => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// A leader every url agrees on is not required here: the client asks until some peer says it leads,
// then RequestLogInfo to the leader (anyPeer = false) confirms it in its current term.
async function leader(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const client = newClient(urls);
  let last;
  while (Date.now() < deadline) {
    try {
      const config = await client.requestConfig(Math.max(500, deadline - Date.now()));
      const info = await client.requestLogInfo(false, Math.max(500, deadline - Date.now()));
      if (info.isLeader && info.leaderId === config.leaderId) {
        return { leaderId: info.leaderId, term: info.currentTerm, peers: config.peers };
      }
      last = { config, info };
    } catch (err) {
      last = String(err);
    }
    await delay(100);
  }
  throw new Error(`no leader within ${timeoutMs} ms; last answer: ${JSON.stringify(last)}`);
}

async function updates(prefix, count, concurrency, timeoutMs) {
  const client = newClient(urls);
  const acked = [], failed = [];
  let next = 0;
  async function worker() {
    while (next < count) {
      const n = next++;
      const key = `${prefix}-${n}`;
      const value = `value ${n} of ${prefix}`;
      const data = msgpack.encode({ op: 'set', key, value });
      const id = genIdent('hex');
      try {
        const index = await client.requestUpdate(id, data, timeoutMs);
        acked.push({ id, index, key, value, data: data.toString('hex') });
      } catch (err) {
        failed.push({ id, key, error: String(err) });
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  acked.sort((a, b) => a.index - b.index);
  return { acked, failed };
}

// ZmqRaftPeerClient, not ZmqRaftClient: ZmqRaftClient.requestLogInfo(anyPeer = true) first runs RequestConfig while
// it knows no peers, which moves it to the leader, so every url would be answered by the leader.
async function logInfoOf(url) {
  const client = new ZmqRaftPeerClient(url, { secret, timeout: 1000, lazy: false });
  try {
    return Object.assign({ url }, await client.requestLogInfo(1000));
  } catch (err) {
    return { url, error: String(err) };
  } finally {
    client.close();
  }
}

async function converge(minIndex, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let infos;
  while (Date.now() < deadline) {
    infos = await Promise.all(urls.map(logInfoOf));
    const first = infos[0];
    const same = infos.every(i => i.error === undefined
      && i.commitIndex === first.commitIndex && i.lastIndex === first.lastIndex && i.lastApplied === first.lastApplied
      && i.leaderId !== null && i.leaderId === first.leaderId && i.currentTerm === first.currentTerm);
    if (same && first.commitIndex >= minIndex && first.lastApplied === first.commitIndex && infos.filter(i => i.isLeader).length === 1) {
      return { infos };
    }
    await delay(100);
  }
  throw new Error(`the peers did not converge at or beyond ${minIndex} within ${timeoutMs} ms; last RequestLogInfo answers: ${JSON.stringify(infos)}`);
}

// RequestEntries with a receiver callback, not requestEntriesStream: zmq-raft 0.5.0's RequestEntriesStream cannot
// carry snapshot chunks (ZmqRaftPeerClient.requestEntries hands its receiver RE_STATUS_MORE for a chunk, so the
// stream's receiver, which tests for RE_STATUS_SNAPSHOT, takes the chunk for an array of entries and throws
// "LogEntry: provided buffer argument is not a log entry"). A chunk is a Buffer, entries come as an array.
async function entries(afterIndex, timeoutMs) {
  const client = newClient(urls);
  const result = { snapshot: null, entries: [] };
  const receiver = (status, chunk, lastIndex, byteOffset, snapshotSize, isLastChunk, snapshotTerm) => {
    if (!Array.isArray(chunk)) {
      result.snapshot = { index: lastIndex, term: snapshotTerm, size: snapshotSize };
      return;
    }
    let index = lastIndex - chunk.length;
    for (const buffer of chunk) {
      const entry = raft.common.LogEntry.bufferToLogEntry(buffer, ++index);
      result.entries.push({
        i: entry.logIndex, t: entry.readEntryTerm(), ty: entry.entryType,
        id: entry.readRequestKey('hex'), d: entry.readEntryData().toString('hex'),
      });
    }
  };
  await withTimeout(client.requestEntries(afterIndex, receiver, timeoutMs), timeoutMs, 'RequestEntries');
  return result;
}

const hardStop = setTimeout(() => {
  console.log(JSON.stringify({ error: 'mixed-client.js: hard time limit' }));
  process.exit(3);
}, 120000);

(async () => {
  switch (command) {
    case 'leader': return leader(+args[0]);
    case 'updates': return updates(args[0], +args[1], +args[2], +args[3]);
    case 'converge': return converge(+args[0], +args[1]);
    case 'entries': return entries(+args[0], +args[1]);
    default: throw new Error(`unknown command ${command}`);
  }
})().then((out) => {
  console.log(JSON.stringify(out));
}, (err) => {
  console.log(JSON.stringify({ error: String(err && err.stack || err) }));
  process.exitCode = 2;
}).finally(() => {
  clearTimeout(hardStop);
  for (const c of clients) c.close();
});
