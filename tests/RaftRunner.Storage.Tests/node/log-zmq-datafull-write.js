// node log-zmq-datafull-write.js SPEC.json
// zmq-raft's FileLog appends entries until an index file's entry data is full, with MAX_DATASIZE lowered so that
// this takes a few hundred bytes instead of 1 GiB: indexfile.js computes MAX_DATASIZE once, when it is loaded, as
// min(require('buffer').kMaxLength, 0x3fffffff), so the script lowers buffer.kMaxLength before loading zmq-raft
// (nothing else in zmq-raft reads it). It prints what zmq-raft did: the last index, the error of the append that
// did not fit (zmq-raft 0.5.0 creates the next file after the full file's last slot, then fails to write the
// entry there), its index files, and the error of opening the log again.
// SPEC: { "logdir": "...", "snapshot": "...", "capacity": 16, "maxDataSize": 450, "entries": ["<raw entry hex>", ...] }
"use strict";
const fs = require('fs');
const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
require('buffer').kMaxLength = spec.maxDataSize;
const { FileLog, IndexFile, run } = require('./log-common');

run(async () => {
  if (IndexFile.MAX_DATASIZE !== spec.maxDataSize) throw new Error('MAX_DATASIZE is ' + IndexFile.MAX_DATASIZE);
  const log = new FileLog(spec.logdir, spec.snapshot, { indexFileCapacity: spec.capacity });
  await log.ready();
  let appendError = null, appended = 0;
  for (const hex of spec.entries) {
    try {
      await log.appendEntries([Buffer.from(hex, 'hex')]);
      appended++;
    } catch (err) {
      appendError = err.message;
      break;
    }
  }
  const result = { appended, lastIndex: log.lastIndex, appendError, indexFiles: [] };
  await log.close();
  for (const file of await FileLog.readIndexFileNames(spec.logdir)) {
    const idx = new IndexFile(file);
    await idx.ready();
    result.indexFiles.push({ firstAllowedIndex: idx.firstAllowedIndex, capacity: idx.capacity, nextIndex: idx.nextIndex });
    await idx.close();
  }
  // zmq-raft opening the log it left behind (read-only, so that nothing changes).
  try {
    const again = new FileLog(spec.logdir, spec.snapshot, true);
    await again.ready();
    result.reopenedLastIndex = again.lastIndex;
    await again.close();
  } catch (err) {
    result.reopenError = err.message;
  }
  return result;
});
