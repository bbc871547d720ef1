// zmq-raft's own SnapshotFile writes a snapshot: node snapshot-write.js <target> <index> <term> <data file> <size|stream>
// "size": created with the declared data size, then written in 1000-byte chunks at offsets (the InstallSnapshot way)
// "stream": created from a read stream, the size patched in afterwards (createTmpSnapshot with a stream).
// The temporary file is then installed over <target> with replace(), which keeps any old target as a timestamped backup.
// Prints JSON: {logIndex, logTerm, dataSize, dataOffset, filename}.
'use strict';
const path = require('path');
const fs = require('fs');
const zr = path.join(__dirname, '../../../.zmq-raft/node_modules/zmq-raft');
const SnapshotFile = require(path.join(zr, 'lib/common/snapshotfile'));
const { createTempName } = require(path.join(zr, 'lib/utils/tempfiles'));

async function main() {
  const [target, index, term, dataFile, mode] = process.argv.slice(2);
  const data = fs.readFileSync(dataFile);
  const tmp = createTempName(target);
  let snap;
  if (mode === 'stream') {
    snap = await new SnapshotFile(tmp, +index, +term, fs.createReadStream(dataFile)).ready();
  } else {
    snap = await new SnapshotFile(tmp, +index, +term, data.length).ready();
    for (let pos = 0; pos < data.length; pos += 1000) {
      const len = Math.min(1000, data.length - pos);
      await snap.write(data, pos, len, pos);
    }
  }
  await snap.replace(target);
  const result = { logIndex: snap.logIndex, logTerm: snap.logTerm, dataSize: snap.dataSize, dataOffset: snap.dataOffset, filename: snap.filename };
  await snap.close();
  return JSON.stringify(result) + '\n';
}

// Exit only once stdout is flushed: a pipe is written asynchronously and process.exit() would cut it short.
main().then(out => process.stdout.write(out, () => process.exit(0)), err => { console.error(err && err.stack || err); process.exit(1); });
