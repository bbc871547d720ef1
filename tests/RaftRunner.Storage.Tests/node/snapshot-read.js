// zmq-raft's own SnapshotFile reads a snapshot: node snapshot-read.js <path>
// Prints JSON: {logIndex, logTerm, dataSize, dataOffset, data (base64 of all data, read with read() in chunks),
// streamed (base64 of createDataReadStream()), meta (the decoded META segment)}.
'use strict';
const path = require('path');
const zr = path.join(__dirname, '../../../.zmq-raft/node_modules/zmq-raft');
const SnapshotFile = require(path.join(zr, 'lib/common/snapshotfile'));
const mp = require(path.join(zr, '../msgpack-lite'));

async function main() {
  const [file] = process.argv.slice(2);
  const snap = await new SnapshotFile(file).ready();
  const chunks = [];
  for (let pos = 0; pos < snap.dataSize; pos += 777) {
    const len = Math.min(777, snap.dataSize - pos);
    chunks.push(Buffer.from(await snap.read(pos, len)));
  }
  const streamed = await new Promise((resolve, reject) => {
    const parts = [];
    snap.createDataReadStream(0).on('data', c => parts.push(c)).on('end', () => resolve(Buffer.concat(parts))).on('error', reject);
  });
  const tokenFile = snap.makeTokenFile();
  const meta = await tokenFile.readTokenData('META', 0, snap.dataOffset);
  const result = {
    logIndex: snap.logIndex, logTerm: snap.logTerm, dataSize: snap.dataSize, dataOffset: snap.dataOffset,
    data: Buffer.concat(chunks).toString('base64'), streamed: streamed.toString('base64'),
    meta: meta ? mp.decode(meta) : null,
  };
  await snap.close();
  return JSON.stringify(result) + '\n';
}

// Exit only once stdout is flushed: a pipe is written asynchronously and process.exit() would cut it short.
main().then(out => process.stdout.write(out, () => process.exit(0)), err => { console.error(err && err.stack || err); process.exit(1); });
