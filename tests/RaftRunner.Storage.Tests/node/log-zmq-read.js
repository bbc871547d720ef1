// node log-zmq-read.js LOGDIR SNAPSHOT
// zmq-raft's FileLog opens LOGDIR read-only (an empty snapshot at index 0 is created when SNAPSHOT is missing)
// and the script prints the log as JSON (log-common), plus zmq-raft's own IndexFile view of every file.
"use strict";
const path = require('path');
const { FileLog, IndexFile, ensureSnapshot, dumpLog, run } = require('./log-common');

run(async () => {
  const [logdir, snapshot] = process.argv.slice(2);
  await ensureSnapshot(snapshot);
  const log = new FileLog(logdir, snapshot, true);
  await log.ready();
  const result = await dumpLog(log);
  await log.close();
  result.indexFiles = [];
  for (const file of await FileLog.readIndexFileNames(logdir)) {
    const idx = new IndexFile(file);
    await idx.ready();
    result.indexFiles.push({
      basename: idx.basename,
      firstAllowedIndex: idx.firstAllowedIndex,
      lastAllowedIndex: idx.lastAllowedIndex,
      capacity: idx.capacity,
      nextIndex: idx.nextIndex,
      position: idx.position
    });
    await idx.close();
  }
  return result;
});
