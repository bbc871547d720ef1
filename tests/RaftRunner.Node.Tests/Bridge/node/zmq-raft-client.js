#!/usr/bin/env node
// Asks one peer url for its config and log info with zmq-raft's own client (ZmqRaftClient, zmq-raft 0.5.0)
// and prints what it decoded as one line of JSON. The bridge tests point it at a ZmqBridgeActor whose node
// (a test probe) answers.
//
// usage: node zmq-raft-client.js <url> <secret>
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../../.zmq-raft/node_modules');
const { ZmqRaftClient } = require(path.join(root, 'zmq-raft')).client;

const [url, secret] = process.argv.slice(2);
const client = new ZmqRaftClient([url], { secret, timeout: 2000, lazy: true });
const out = {};
const hardStop = setTimeout(() => { console.log(JSON.stringify({ error: 'timed out', partial: out })); process.exit(3); }, 15000);

(async () => {
  const config = await client.requestConfig(5000);
  out.config = { leaderId: config.leaderId, isLeader: config.isLeader, peers: config.peers };
  out.logInfo = await client.requestLogInfo(true, 5000);
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
