// node log-zmq-read-stream.js LOGDIR SNAPSHOT [WRITABLE-LOGDIR WRITABLE-SNAPSHOT]
// zmq-raft's FileLog reads a log the way a zmq-raft node serves it, through the paths that follow the entries
// actually stored in each index file: its entries stream (createEntriesReadStream, what RequestEntries and
// feedStateMachine use) and termAt for every index. It also reports what getEntries (which assumes every index
// file but the last uses all its slots) does over the whole log. With a second (writable) copy of the log, zmq-raft
// opens that one for writing too, which rebuilds its request-id cache from the files, and reports the index it
// remembers for the request id of every entry.
"use strict";
const path = require('path');
const { FileLog, IndexFile, LogEntry, ensureSnapshot, run } = require('./log-common');

function readStream(log, first, last) {
  return new Promise((resolve, reject) => {
    const entries = [];
    if (last < first) return resolve(entries);
    log.createEntriesReadStream(first, last)
      .on('error', reject)
      .on('data', chunk => { for (const e of chunk) entries.push(e); })
      .on('end', () => resolve(entries));
  });
}

run(async () => {
  const [logdir, snapshot, writableLogdir, writableSnapshot] = process.argv.slice(2);
  const { readTypeOf, readRequestIdOf } = LogEntry.readers;
  await ensureSnapshot(snapshot);
  const log = new FileLog(logdir, snapshot, true);
  await log.ready();
  const entries = await readStream(log, log.firstIndex, log.lastIndex);
  const terms = [];
  for (let i = log.firstIndex; i <= log.lastIndex; i++) terms.push(await log.termAt(i));
  let getEntriesError = null;
  try {
    await log.getEntries(log.firstIndex, log.lastIndex);
  } catch (err) {
    getEntriesError = err.message;
  }
  const result = {
    firstIndex: log.firstIndex,
    lastIndex: log.lastIndex,
    lastTerm: log.lastTerm,
    entries: entries.map(e => e.toString('hex')),
    terms,
    getEntriesError,
    files: (await FileLog.readIndexFileNames(logdir)).map(f => path.relative(logdir, f).split(path.sep).join('/')),
    indexFiles: []
  };
  await log.close();
  for (const file of await FileLog.readIndexFileNames(logdir)) {
    const idx = new IndexFile(file);
    await idx.ready();
    result.indexFiles.push({ firstAllowedIndex: idx.firstAllowedIndex, lastAllowedIndex: idx.lastAllowedIndex, capacity: idx.capacity, nextIndex: idx.nextIndex });
    await idx.close();
  }
  if (writableLogdir) {
    await ensureSnapshot(writableSnapshot);
    const writable = new FileLog(writableLogdir, writableSnapshot, { requestIdTtl: null, requestIdCacheMax: 1000000 });
    await writable.ready();
    result.requestIds = [];
    for (const e of entries) {
      if (readTypeOf(e) === LogEntry.LOG_ENTRY_TYPE_CHECKPOINT) continue;
      const id = readRequestIdOf(e, 'hex');
      const index = writable.getRid(Buffer.from(id, 'hex'));
      result.requestIds.push({ requestId: id, index: index === undefined ? null : index });
    }
    result.writableLastIndex = writable.lastIndex;
    await writable.close();
  }
  return result;
});
