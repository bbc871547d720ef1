#!/usr/bin/env node
// Drives a cluster with zmq-raft's own clients (zmq-raft 0.5.0) and prints what they saw as one JSON document
// on stdout, for RaftRunnerClusterTests to check:
//
//   config      requestConfig over every url (peers and the leader)
//   updates     `total` requestUpdate at `concurrency`, each a fresh genIdent() id with data "u<i>":
//               [id hex, data, acknowledged index]
//   repeat      one committed update sent again with its id: {id, data, firstIndex, index}
//   stream      requestEntriesStream(0), the whole log: [index, type, id hex, data] (data: utf8 for state
//               entries, base64 for config and checkpoint entries)
//   logInfos    requestLogInfo against each peer alone, polled until all agree: [{url, ...info}]
//   subscriber  what a ZmqRaftSubscriber started before the load emitted, in order: [index, type, id hex]
//   timings     milliseconds of each phase
//
// usage: node cluster-load.js <secret> <total> <concurrency> <url…>
// Exits 0 with the document, or non-zero with {"error": ...} (and a summary of what was done) on failure.
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../.zmq-raft/node_modules');
const zmqRaft = require(path.join(root, 'zmq-raft'));
const { ZmqRaftClient, ZmqRaftPeerClient, ZmqRaftSubscriber } = zmqRaft.client;
const { genIdent } = zmqRaft.utils.id;

const [secret, totalArg, concurrencyArg, ...urls] = process.argv.slice(2);
const total = parseInt(totalArg, 10);
const concurrency = parseInt(concurrencyArg, 10);
if (!secret || !(total > 0) || !(concurrency > 0) || urls.length === 0) {
  console.log(JSON.stringify({ error: 'usage: cluster-load.js <secret> <total> <concurrency> <url…>' }));
  process.exit(64);
}

const RPC_TIMEOUT = 20000;    // a whole RPC, over retries and elections
const PEER_TIMEOUT = 2000;    // one peer's answer, after which the client tries the next
const HARD_STOP = 50000;      // the whole script

const out = { config: null, updates: [], repeat: null, stream: [], logInfos: [], subscriber: [], timings: {} };
const closers = [];
let finished = false;

function summary() {
  return {
    config: out.config, updates: out.updates.length, repeat: out.repeat, stream: out.stream.length,
    logInfos: out.logInfos, subscriber: out.subscriber.length, timings: out.timings,
  };
}

function finish(error, exitCode) {
  if (finished) return;
  finished = true;
  clearTimeout(hardStop);
  console.log(JSON.stringify(error ? { error, partial: summary() } : out));
  for (const close of closers.reverse()) {
    try { close(); } catch (_) { /* closing anyway */ }
  }
  process.exitCode = exitCode;
  // zeromq sockets may keep the loop alive for their linger period; the document is out, leave.
  setTimeout(() => process.exit(exitCode), 200).unref();
}

const hardStop = setTimeout(() => finish(`timed out after ${HARD_STOP} ms`, 3), HARD_STOP);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function entryRecord(entry) {
  const type = entry.entryType;
  const data = entry.readEntryData();
  return [entry.logIndex, type, entry.readRequestKey('hex'), type === 0 ? data.toString('utf8') : data.toString('base64')];
}

// Collects the subscriber's entries; `reached(index)` resolves once it has emitted `index`.
function startSubscriber() {
  const subscriber = new ZmqRaftSubscriber(urls, { secret, timeout: PEER_TIMEOUT, lastIndex: 0 });
  closers.push(() => subscriber.close());
  let waiting = null;
  let failure = null;
  let fresh = false;
  subscriber.on('data', (chunk) => {
    if (!chunk.isLogEntry) {
      out.subscriber.push([chunk.logIndex, 'snapshot-chunk', null]);
      return;
    }
    out.subscriber.push([chunk.logIndex, chunk.entryType, chunk.readRequestKey('hex')]);
    if (waiting && chunk.logIndex >= waiting.index) waiting.resolve();
  });
  subscriber.on('fresh', () => { fresh = true; });
  subscriber.on('error', (err) => {
    failure = err;
    if (waiting) waiting.reject(err);
  });
  return {
    get fresh() { return fresh; },
    get url() { return subscriber.url; },
    reached(index, ms) {
      if (failure) return Promise.reject(failure);
      if (subscriber.lastLogIndex >= index) return Promise.resolve();
      return withTimeout(new Promise((resolve, reject) => { waiting = { index, resolve, reject }; }), ms,
        `the subscriber reaching index ${index} (it is at ${subscriber.lastLogIndex})`);
    },
  };
}

async function load(client) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const id = genIdent();
      const data = `u${i}`;
      const index = await client.requestUpdate(id, Buffer.from(data), RPC_TIMEOUT);
      out.updates[i] = [id, data, index];
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

function streamLog(client) {
  return withTimeout(new Promise((resolve, reject) => {
    const stream = client.requestEntriesStream(0, { rpctimeout: RPC_TIMEOUT });
    stream.on('data', (chunk) => {
      if (!chunk.isLogEntry) {
        reject(new Error(`requestEntriesStream(0) sent a snapshot chunk at ${chunk.logIndex}; this test expects a whole log`));
        stream.destroy();
        return;
      }
      out.stream.push(entryRecord(chunk));
    });
    stream.on('end', resolve);
    stream.on('error', reject);
  }), RPC_TIMEOUT + 5000, 'requestEntriesStream(0)');
}

// requestLogInfo against each peer alone; repeated (briefly) until every peer reports the same commitIndex
// and lastIndex, with commitIndex == lastIndex: followers learn the last commit on the next heartbeat.
async function logInfoOfEveryPeer() {
  const peers = urls.map((url) => {
    const peer = new ZmqRaftPeerClient(url, { secret, timeout: PEER_TIMEOUT, lazy: false });
    closers.push(() => peer.close());
    return { url, peer };
  });
  const deadline = Date.now() + 5000;
  for (let attempt = 1; ; attempt++) {
    const infos = await Promise.all(peers.map(async ({ url, peer }) => Object.assign({ url }, await peer.requestLogInfo(PEER_TIMEOUT))));
    const settled = infos.every((info) => info.commitIndex === infos[0].commitIndex && info.lastIndex === infos[0].lastIndex
      && info.commitIndex === info.lastIndex);
    if (settled || Date.now() >= deadline) {
      out.logInfoAttempts = attempt;
      return infos;
    }
    await delay(50);
  }
}

(async () => {
  const client = new ZmqRaftClient(urls, { secret, timeout: PEER_TIMEOUT, lazy: false });
  closers.push(() => client.close());

  let t = Date.now();
  const config = await client.requestConfig(RPC_TIMEOUT);
  out.config = { leaderId: config.leaderId, isLeader: config.isLeader, peers: config.peers };
  out.timings.configMs = Date.now() - t;

  // Started before the load, from index 0: it must see every entry, from broadcasts or by asking for the
  // ones it missed. Wait until it knows the leader's PUB url (and, briefly, for its first broadcast).
  const subscriber = startSubscriber();
  t = Date.now();
  while (subscriber.url === null && Date.now() - t < 10000) await delay(10);
  if (subscriber.url === null) throw new Error('the subscriber found no publisher url within 10 s');
  while (!subscriber.fresh && Date.now() - t < 2000) await delay(10);
  out.subscriberUrl = subscriber.url;
  out.subscriberFreshBeforeLoad = subscriber.fresh;

  t = Date.now();
  await load(client);
  out.timings.loadMs = Date.now() - t;

  const repeated = out.updates[Math.floor(total / 2)];
  out.repeat = { id: repeated[0], data: repeated[1], firstIndex: repeated[2] };
  out.repeat.index = await client.requestUpdate(repeated[0], Buffer.from(repeated[1]), RPC_TIMEOUT);

  t = Date.now();
  await streamLog(client);
  out.timings.streamMs = Date.now() - t;

  t = Date.now();
  out.logInfos = await logInfoOfEveryPeer();
  out.timings.logInfoMs = Date.now() - t;

  const lastIndex = out.stream.length === 0 ? 0 : out.stream[out.stream.length - 1][0];
  t = Date.now();
  await subscriber.reached(lastIndex, 10000);
  out.timings.subscriberCatchUpMs = Date.now() - t;
})().then(() => finish(null, 0), (err) => finish(String(err && err.stack || err), 2));
