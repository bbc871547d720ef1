// node log-zmq-write.js SPEC.json
// zmq-raft's FileLog writes a log as SPEC says, then the script prints the resulting log as JSON (log-common).
// SPEC: { "logdir": "...", "snapshot": "...", "capacity": 4, "ops": [
//   { "op": "state"|"config", "requestId": "<24 hex>", "term": 1, "data": "<hex>" },
//   { "op": "checkpoint", "term": 2 },
//   { "op": "entries", "entries": ["<raw entry hex>", ...], "index": 7 /* optional: truncate to it first */ },
//   { "op": "truncate", "index": 5 /* entries from 5 on are removed */ } ] }
"use strict";
const fs = require('fs');
const { FileLog, dumpLog, run } = require('./log-common');

run(async () => {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const log = new FileLog(spec.logdir, spec.snapshot, { indexFileCapacity: spec.capacity || 16384 });
  await log.ready();
  for (const op of spec.ops || []) {
    switch (op.op) {
      case 'state': await log.appendState(Buffer.from(op.requestId, 'hex'), op.term, Buffer.from(op.data, 'hex')); break;
      case 'config': await log.appendConfig(Buffer.from(op.requestId, 'hex'), op.term, Buffer.from(op.data, 'hex')); break;
      case 'checkpoint': await log.appendCheckpoint(op.term); break;
      case 'entries': await log.appendEntries(op.entries.map(h => Buffer.from(h, 'hex')), op.index); break;
      case 'truncate': await log.appendEntries([], op.index); break;
      default: throw new Error('unknown op ' + op.op);
    }
  }
  const result = await dumpLog(log);
  result.indexFileCapacity = log.indexFileCapacity;
  await log.close();
  return result;
});
