#!/usr/bin/env node
// Drives zmq-raft's own client (ZmqRaftClient, zmq-raft 0.5.0) against one peer url and prints what it
// decoded as JSON on stdout. The interop tests point it at a C# ROUTER (or node) and compare.
//
// usage: node client.js <url> <secret> <request-id-hex> <update-data>
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../.zmq-raft/node_modules');
const { ZmqRaftClient } = require(path.join(root, 'zmq-raft')).client;

const [url, secret, reqid, data] = process.argv.slice(2);
const client = new ZmqRaftClient([url], { secret, timeout: 2000, lazy: false });
const out = {};
const hardStop = setTimeout(() => { console.log(JSON.stringify({ error: 'timed out', partial: out })); process.exit(3); }, 20000);

(async () => {
  const config = await client.requestConfig(5000);
  out.config = { leaderId: config.leaderId, isLeader: config.isLeader, peers: config.peers };
  const info = await client.requestLogInfo(true, 5000);
  out.logInfo = info;
  out.update = await client.requestUpdate(reqid, Buffer.from(data), 5000);
})().then(() => {
  console.log(JSON.stringify(out));
  clearTimeout(hardStop);
  client.close();
}, (err) => {
  console.log(JSON.stringify({ error: String(err && err.stack || err), partial: out }));
  clearTimeout(hardStop);
  client.close();
  process.exitCode = 2;
});
