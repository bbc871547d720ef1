#!/usr/bin/env node
// Writes vectors.json: zmq-raft's own encoders (zmq-raft 0.5.0) applied to every RPC request/response form,
// log entries of every type and request ids. RaftRunner's tests decode these frames and re-encode them
// byte for byte, so the committed file pins our codecs to the reference without needing Node at test time.
//
// Regenerate:  node tests/vectors/protocol/generate.js   (installs zmq-raft first if it is missing)
"use strict";
const path = require('path');
const fs = require('fs');
const root = require('../ensure-zmq-raft')();
const zr = (p) => require(path.join(root, 'zmq-raft', p));
const { createFramesProtocol } = zr('lib/protocol');
const LogEntry = zr('lib/common/log_entry');
const { allocBufUIntLE } = zr('lib/utils/bufconv');
const { genIdent, getSeconds } = zr('lib/utils/id');
const msgpack = require(path.join(root, 'msgpack-lite'));

const hex = (b) => Buffer.from(b).toString('hex');
const secret = Buffer.from('the-cluster');
const reqid = Buffer.from('5956dc8826f27e10dcccab20', 'hex');
const reqid2 = Buffer.from('6a0b1c2d3e4f5a6b7c8d9eaf', 'hex');
const peers = [['id1', 'tcp://127.0.0.1:8041'], ['id2', 'tcp://127.0.0.1:8051'], ['id3', 'tcp://127.0.0.1:8061']];
const MAX = Number.MAX_SAFE_INTEGER;

const entries = {
  state: LogEntry.build(reqid, 0, 42, Buffer.from('foo')),
  stateBig: LogEntry.build(reqid2, 0, MAX, Buffer.alloc(300, 7)),
  config: LogEntry.build(reqid2, 1, 7, msgpack.encode(peers)),
  transitional: LogEntry.build(reqid, 1, 8, msgpack.encode({ old: peers.slice(0, 2), new: peers })),
  checkpoint: LogEntry.build(null, 2, 43, Buffer.from([0xc0])),
  emptyState: LogEntry.build(reqid, 0, 0, Buffer.alloc(0)),
};
const entryJson = (e) => hex(e);

const cases = [];
const add = (rpc, kind, name, fields, frames) => cases.push({ rpc, kind, name, fields, frames: frames.map(hex) });

function request(rpc, name, id, args, fields, idFrame) {
  const protocol = createFramesProtocol(rpc);
  add(rpc, 'request', name, fields, [idFrame || allocBufUIntLE(id)].concat(protocol.encodeRequest(args)));
}
function response(rpc, name, id, args, fields, idFrame) {
  const protocol = createFramesProtocol(rpc);
  add(rpc, 'response', name, fields, [idFrame || allocBufUIntLE(id)].concat(protocol.encodeResponse(args)));
}

// RequestVote
for (const [id, cand, term, li, lt] of [[1, 'id1', 1, 0, 0], [255, 'id2', 256, 65536, 255], [16777215, 'węzeł-ą', MAX, MAX, MAX - 1]]) {
  request('RequestVote', `id ${id} term ${term}`, id, [Buffer.from('?'), secret, cand, term, li, lt],
    { messageId: id, candidateId: cand, term, lastLogIndex: li, lastLogTerm: lt });
}
for (const [id, term, granted] of [[1, 0, true], [300, 5, false], [16777215, MAX, true]]) {
  response('RequestVote', `term ${term} granted ${granted}`, id, [term, granted], { messageId: id, term, voteGranted: granted });
}

// AppendEntries
const aeSets = { heartbeat: [], one: [entries.state], mixed: [entries.checkpoint, entries.config, entries.stateBig, entries.transitional, entries.emptyState] };
for (const [name, list] of Object.entries(aeSets)) {
  request('AppendEntries', name, 9, [Buffer.from('+'), secret, 'id1', 12, 100, 11, 99].concat(list),
    { messageId: 9, leaderId: 'id1', term: 12, prevLogIndex: 100, prevLogTerm: 11, commitIndex: 99, entries: list.map(entryJson) });
}
request('AppendEntries', 'large numbers', 70000, [Buffer.from('+'), secret, 'leader', MAX, MAX - 1, MAX - 2, MAX - 3],
  { messageId: 70000, leaderId: 'leader', term: MAX, prevLogIndex: MAX - 1, prevLogTerm: MAX - 2, commitIndex: MAX - 3, entries: [] });
response('AppendEntries', 'success', 9, [12, true], { messageId: 9, term: 12, success: true });
response('AppendEntries', 'failure', 9, [12, false], { messageId: 9, term: 12, success: false });
response('AppendEntries', 'failure with conflict index', 9, [12, false, 57], { messageId: 9, term: 12, success: false, conflictIndex: 57 });
response('AppendEntries', 'failure with conflict index and term', 9, [12, false, 57, 3], { messageId: 9, term: 12, success: false, conflictIndex: 57, conflictTerm: 3 });

// InstallSnapshot
request('InstallSnapshot', 'first chunk', 3, [Buffer.from('$'), secret, 'id1', 5, 1000, 4, 0, 10, Buffer.from('0123456789')],
  { messageId: 3, leaderId: 'id1', term: 5, lastIncludedIndex: 1000, lastIncludedTerm: 4, offset: 0, totalSize: 10, chunk: hex('0123456789') });
request('InstallSnapshot', 'last chunk', 4, [Buffer.from('$'), secret, 'id1', 5, 1000, 4, 65536, 65539, Buffer.from('abc')],
  { messageId: 4, leaderId: 'id1', term: 5, lastIncludedIndex: 1000, lastIncludedTerm: 4, offset: 65536, totalSize: 65539, chunk: hex('abc') });
request('InstallSnapshot', 'empty snapshot', 5, [Buffer.from('$'), secret, 'id1', 5, 1, 1, 0, 0, Buffer.alloc(0)],
  { messageId: 5, leaderId: 'id1', term: 5, lastIncludedIndex: 1, lastIncludedTerm: 1, offset: 0, totalSize: 0, chunk: '' });
response('InstallSnapshot', 'term only', 3, [5], { messageId: 3, term: 5 });
response('InstallSnapshot', 'with next offset', 3, [5, 65536], { messageId: 3, term: 5, nextOffset: 65536 });

// RequestConfig
request('RequestConfig', 'request', 17, [Buffer.from('^'), secret], { requestId: 17 });
response('RequestConfig', 'leader', 17, [true, 'id1', peers], { requestId: 17, isLeader: true, leaderId: 'id1', peers });
response('RequestConfig', 'no leader', 18, [false, null, peers], { requestId: 18, isLeader: false, leaderId: null, peers });

// RequestLogInfo
request('RequestLogInfo', 'request', 1, [Buffer.from('%'), secret], { requestId: 1 });
response('RequestLogInfo', 'follower', 1, [false, 'id2', 3, 1, 50, 52, 60, 1234, 0],
  { requestId: 1, isLeader: false, leaderId: 'id2', currentTerm: 3, firstIndex: 1, lastApplied: 50, commitIndex: 52, lastIndex: 60, snapshotSize: 1234, pruneIndex: 0 });
response('RequestLogInfo', 'large leader', 2, [true, 'id1', MAX, 4294967296, MAX, MAX, MAX, 3000000000, 2147483648],
  { requestId: 2, isLeader: true, leaderId: 'id1', currentTerm: MAX, firstIndex: 4294967296, lastApplied: MAX, commitIndex: MAX, lastIndex: MAX, snapshotSize: 3000000000, pruneIndex: 2147483648 });

// RequestUpdate (the request id frame is the 12-byte reqid itself)
request('RequestUpdate', 'request', 0, [Buffer.from('='), secret, Buffer.from('{"set":1}')], { requestId: hex(reqid), data: hex('{"set":1}') }, reqid);
response('RequestUpdate', 'accepted', 0, [true], { requestId: hex(reqid), outcome: 'Accepted' }, reqid);
response('RequestUpdate', 'committed', 0, [true, 5], { requestId: hex(reqid), outcome: 'Committed', index: 5 }, reqid);
response('RequestUpdate', 'committed at a large index', 0, [true, 3000000000], { requestId: hex(reqid), outcome: 'Committed', index: 3000000000 }, reqid);
response('RequestUpdate', 'not leader', 0, [false, 'id2'], { requestId: hex(reqid), outcome: 'NotLeader', leaderId: 'id2' }, reqid);
response('RequestUpdate', 'not leader, unknown', 0, [false, null], { requestId: hex(reqid), outcome: 'NotLeader', leaderId: null }, reqid);
response('RequestUpdate', 'expired', 0, [false], { requestId: hex(reqid), outcome: 'Expired' }, reqid);

// ConfigUpdate
request('ConfigUpdate', 'request', 0, [Buffer.from('&'), secret, peers], { requestId: hex(reqid2), peers }, reqid2);
response('ConfigUpdate', 'not leader', 0, [0, 'id1'], { requestId: hex(reqid2), status: 0, leaderId: 'id1' }, reqid2);
response('ConfigUpdate', 'not leader, unknown', 0, [0, null], { requestId: hex(reqid2), status: 0, leaderId: null }, reqid2);
response('ConfigUpdate', 'accepted', 0, [1], { requestId: hex(reqid2), status: 1 }, reqid2);
response('ConfigUpdate', 'success', 0, [1, 77], { requestId: hex(reqid2), status: 1, index: 77 }, reqid2);
response('ConfigUpdate', 'config error', 0, [2, { name: 'TypeError', message: 'peers must be an array' }],
  { requestId: hex(reqid2), status: 2, errorName: 'TypeError', errorMessage: 'peers must be an array' }, reqid2);
response('ConfigUpdate', 'busy', 0, [3], { requestId: hex(reqid2), status: 3 }, reqid2);
response('ConfigUpdate', 'expired', 0, [4], { requestId: hex(reqid2), status: 4 }, reqid2);

// RequestEntries
request('RequestEntries', 'from an index', 21, [Buffer.from('<'), secret, 10], { requestId: 21, prevIndex: 10 });
request('RequestEntries', 'with a count', 21, [Buffer.from('<'), secret, 10, 100], { requestId: 21, prevIndex: 10, count: 100 });
request('RequestEntries', 'stop', 21, [Buffer.from('<'), secret, 10, 0], { requestId: 21, prevIndex: 10, count: 0 });
request('RequestEntries', 'snapshot offset, no count', 21, [Buffer.from('<'), secret, 0, null, 65536], { requestId: 21, prevIndex: 0, count: null, snapshotOffset: 65536 });
response('RequestEntries', 'not leader', 21, [0, 'id3'], { requestId: 21, status: 0, leaderId: 'id3' });
response('RequestEntries', 'last, empty', 21, [1, 'id1', 10], { requestId: 21, status: 1, leaderId: 'id1', lastIndex: 10, entries: [] });
response('RequestEntries', 'more', 21, [2, 'id1', 13, entries.state, entries.config, entries.checkpoint],
  { requestId: 21, status: 2, leaderId: 'id1', lastIndex: 13, entries: [entries.state, entries.config, entries.checkpoint].map(entryJson) });
response('RequestEntries', 'last with entries', 21, [1, 'id1', 14, entries.stateBig], { requestId: 21, status: 1, leaderId: 'id1', lastIndex: 14, entries: [entryJson(entries.stateBig)] });
response('RequestEntries', 'snapshot chunk', 21, [3, [0, 100000, 6], 500, Buffer.from('chunk-data')],
  { requestId: 21, status: 3, lastIndex: 500, snapshot: [0, 100000, 6], chunk: hex('chunk-data') });
response('RequestEntries', 'large snapshot chunk', 22, [3, [3000000000, 4294967296, 2147483648], 9000000000, Buffer.alloc(0)],
  { requestId: 22, status: 3, lastIndex: 9000000000, snapshot: [3000000000, 4294967296, 2147483648], chunk: '' });

// StateBroadcast (no request id: the first frame is the cluster ident)
for (const [name, list] of [['heartbeat', []], ['with entries', [entries.state, entries.checkpoint]]]) {
  add('StateBroadcast', 'message', name, { term: 9, lastIndex: 77, entries: list.map(entryJson) },
    createFramesProtocol('StateBroadcast').encodeRequest([secret, 9, 77].concat(list)));
}

// Url requests of the broadcast state machine ('*') and the web monitor ('W'): [id, type, secret] -> [id(, url)]
add('UrlRequest', 'request', 'broadcast url', { requestId: 5, type: '*' }, [allocBufUIntLE(5), Buffer.from('*'), secret]);
add('UrlRequest', 'request', 'webmonitor url', { requestId: 6, type: 'W' }, [allocBufUIntLE(6), Buffer.from('W'), secret]);
add('UrlRequest', 'response', 'url', { requestId: 5, url: 'tcp://127.0.0.1:8043' }, [allocBufUIntLE(5), Buffer.from('tcp://127.0.0.1:8043')]);
add('UrlRequest', 'response', 'no url', { requestId: 6, url: null }, [allocBufUIntLE(6)]);

// Request ids made by zmq-raft's id.js, with the seconds it reads back from them.
const requestIds = Array.from({ length: 5 }, () => {
  const id = genIdent('hex');
  return { hex: id, seconds: getSeconds(id) };
});

const out = {
  generator: 'tests/vectors/protocol/generate.js',
  zmqRaftVersion: require(path.join(root, 'zmq-raft/package.json')).version,
  secret: hex(secret),
  entries: Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, hex(e)])),
  requestIds,
  cases,
};
fs.writeFileSync(path.join(__dirname, 'vectors.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${cases.length} cases to ${path.join(__dirname, 'vectors.json')}`);
