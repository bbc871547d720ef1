// A zmq-raft state machine (lib/api StateMachineBase) that keeps what RaftRunner's built-in key-value state
// machine keeps (src/RaftRunner.Node/StateMachines/KeyValueStateMachine.cs: STATE entries that are MessagePack
// maps {op:"set",key,value} or {op:"del",key}; anything else is ignored) and serializes it in that machine's
// snapshot format (KeyValueSnapshotFormat.cs: one MessagePack map, keys in ordinal order). MixedClusterTests
// gives it to zmq-raft's bin/zr-log-compact.js (-m) so that a zmq-raft node's compaction snapshot is one a
// RaftRunner follower can restore. A snapshot it is fed may carry RaftRunner's envelope ("RRSNAP01", header
// length, header): the envelope is skipped.
"use strict";
const path = require('path');
const root = path.resolve(__dirname, '../../../.zmq-raft/node_modules');
const raft = require(path.join(root, 'zmq-raft'));
const msgpack = require(path.join(root, 'msgpack-lite'));
const { StateMachineBase } = raft.api;
const { LOG_ENTRY_TYPE_STATE, readers: { readTypeOf, readDataOf } } = raft.common.LogEntry;

const ENVELOPE_MAGIC = Buffer.from('RRSNAP01', 'ascii');

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', c => chunks.push(c)).on('error', reject).on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function header(small, mark8, mark16, mark32, length) {
  if (small !== null && length < (small === 0x80 ? 16 : 32)) return Buffer.from([small | length]);
  if (mark8 !== null && length <= 0xff) return Buffer.from([mark8, length]);
  if (length <= 0xffff) { const b = Buffer.alloc(3); b[0] = mark16; b.writeUInt16BE(length, 1); return b; }
  const b = Buffer.alloc(5); b[0] = mark32; b.writeUInt32BE(length, 1); return b;
}

class KeyValueState extends StateMachineBase {
  constructor() {
    super();
    this.pairs = new Map();
    this[Symbol.for('setReady')]();
  }

  async applyEntries(entries, nextIndex, currentTerm, snapshot) {
    if (snapshot) {
      let data = await readAll(snapshot.createDataReadStream());
      if (data.length >= 12 && data.slice(0, 8).equals(ENVELOPE_MAGIC)) data = data.slice(12 + data.readUInt32BE(8));
      this.pairs = new Map(data.length === 0 ? [] : Object.entries(msgpack.decode(data)));
    }
    for (const entry of entries) {
      if (readTypeOf(entry) !== LOG_ENTRY_TYPE_STATE) continue;
      let command;
      try { command = msgpack.decode(readDataOf(entry)); } catch (err) { continue; }
      if (!command || typeof command.op !== 'string' || typeof command.key !== 'string') continue;
      if (command.op === 'set' && (typeof command.value === 'string' || Buffer.isBuffer(command.value))) this.pairs.set(command.key, command.value);
      else if (command.op === 'del') this.pairs.delete(command.key);
    }
    return this.lastApplied = nextIndex + entries.length - 1;
  }

  serialize() {
    const keys = Array.from(this.pairs.keys()).sort();
    const parts = [header(0x80, null, 0xde, 0xdf, keys.length)];
    for (const key of keys) {
      const k = Buffer.from(key, 'utf8');
      parts.push(header(0xa0, 0xd9, 0xda, 0xdb, k.length), k, msgpack.encode(this.pairs.get(key)));
    }
    return Buffer.concat(parts);
  }
}

module.exports = exports = KeyValueState;
