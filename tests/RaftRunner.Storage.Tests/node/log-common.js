// Shared by the log-*.js interop scripts: loads zmq-raft's own FileLog / IndexFile / SnapshotFile from the
// reference install (<repo>/.zmq-raft, see tests/vectors/install-zmq-raft.sh) and dumps a log as JSON.
"use strict";
const path = require('path');
const fs = require('fs');
const ZR = path.join(__dirname, '..', '..', '..', '.zmq-raft', 'node_modules', 'zmq-raft');
const FileLog = require(path.join(ZR, 'lib', 'server', 'filelog.js'));
const IndexFile = require(path.join(ZR, 'lib', 'common', 'indexfile.js'));
const SnapshotFile = require(path.join(ZR, 'lib', 'common', 'snapshotfile.js'));
const LogEntry = require(path.join(ZR, 'lib', 'common', 'log_entry.js'));

// A read-only zmq-raft FileLog needs a snapshot file; an empty one at index 0 stands for "no snapshot".
async function ensureSnapshot(file, index, term) {
  if (!fs.existsSync(file)) {
    const snap = new SnapshotFile(file, index || 0, term || 0, 0);
    await snap.ready();
    await snap.close();
  }
}

async function dumpLog(log) {
  const { readTypeOf, readTermOf, readRequestIdOf } = LogEntry.readers;
  const entries = log.lastIndex >= log.firstIndex ? await log.getEntries(log.firstIndex, log.lastIndex) : [];
  const files = await FileLog.readIndexFileNames(log.logdir);
  return {
    firstIndex: log.firstIndex,
    lastIndex: log.lastIndex,
    lastTerm: log.lastTerm,
    files: files.map(f => path.relative(log.logdir, f).split(path.sep).join('/')),
    entries: entries.map((e, i) => ({
      index: log.firstIndex + i,
      type: readTypeOf(e),
      term: readTermOf(e),
      requestId: readRequestIdOf(e, 'hex'),
      raw: e.toString('hex')
    }))
  };
}

function run(main) {
  main().then(result => {
    process.stdout.write(JSON.stringify(result) + '\n');
  }, err => {
    process.stderr.write((err && err.stack || String(err)) + '\n');
    process.exit(1);
  });
}

module.exports = { FileLog, IndexFile, SnapshotFile, LogEntry, ensureSnapshot, dumpLog, run };
