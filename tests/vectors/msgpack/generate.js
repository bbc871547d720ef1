// Regenerate with: node tests/vectors/msgpack/generate.js   (installs zmq-raft first if it is missing)
// (from the repository root). Writes tests/vectors/msgpack/vectors.json, which is checked in so that the
// .NET tests (tests/RaftRunner.Protocol.Tests/MessagePack/MessagePackVectorTests.cs) need no Node.
//
// Cross-implementation vectors for RaftRunner.Protocol.MessagePack against msgpack-lite 0.1.26, the
// encoder zmq-raft uses for its `json` frames and CONFIG log entries (default options everywhere).
//
// Tagged value form ("value", "lite", "exact" below), chosen so binaries and number kinds are unambiguous:
//   null | true | false            nil, booleans
//   "text"                          a well-formed string
//   {"utf16": "d800..."}            a string given as hex UTF-16 code units (used for lone surrogates)
//   {"int": "-123"}                 an integer, exact decimal text (fits Int64 or UInt64)
//   {"float": "3ff8000000000000"}   a float64, hex IEEE 754 bits ("js" beside it is for humans only)
//   {"bin": "00ff"}                 a binary (Buffer), hex
//   [ ... ]                         an array of tagged values
//   {"map": [[k, v], ...]}          a map, entries in order (JS Object.keys order)
//   {"strOf": [n, "unit"]}          the string unit repeated n times
//   {"binOf": [n, s]}               n bytes, byte i = (s + i) & 0xff
//   {"arrayOf": [n, v]}             an array of n copies of v
//   {"mapOf": [n]}                  a map with n entries "k0": 0, "k1": 1, ...
//   {"ext": [type, "hex"]}          (lite results only) an ExtBuffer msgpack-lite could not unpack
//   {"js": "..."}                   (lite results only) some other JS object, String(value)
//
// "encode" cases: msgpack.encode(value) produced "hex" (or, for big outputs, "length" + "sha256" + "head");
//   "decoded" is what msgpack.decode made of those bytes when that differs from "value".
// "decode" cases: bytes from other encoders or hostile input; "lite" is what msgpack.decode returned
//   ("liteError" when it threw); "exact" is the exact value when it differs from lite's lossy JS result;
//   "ours" says whether RaftRunner must accept ("ok") or reject ("error") the input; "consumed" is the
//   length of the first value when trailing bytes follow it.
'use strict';

const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const modules = require('../ensure-zmq-raft')();
const msgpack = require(path.join(modules, 'msgpack-lite'));
const liteVersion = require(path.join(modules, 'msgpack-lite/package.json')).version;

// ---- deterministic PRNG (mulberry32) -------------------------------------------------------------
let seed = 0x5eed1234;
function rnd() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const rint = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive

// ---- tagging -------------------------------------------------------------------------------------
const hex = b => Buffer.from(b).toString('hex');
function floatBits(x) {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
}
const TWO63 = 2 ** 63, TWO64 = 2 ** 64;

function tag(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean': return v;
    case 'number':
      if (Number.isInteger(v) && !Object.is(v, -0) && v >= -TWO63 && v < TWO64) return { int: BigInt(v).toString() };
      return { float: floatBits(v), js: String(Object.is(v, -0) ? '-0' : v) };
    case 'string':
      if (v.isWellFormed()) return v;
      return { utf16: Array.from({ length: v.length }, (_, i) => v.charCodeAt(i).toString(16).padStart(4, '0')).join('') };
    case 'object':
      if (Buffer.isBuffer(v)) return { bin: hex(v) };
      if (Array.isArray(v)) return Array.from(v, tag);
      if (v.constructor && v.constructor.name === 'ExtBuffer') return { ext: [v.type, hex(v.buffer)] };
      if (Object.getPrototypeOf(v) === Object.prototype) return { map: Object.keys(v).map(k => [tag(k), tag(v[k])]) };
      return { js: Object.prototype.toString.call(v) + ' ' + String(v) };
    default:
      return null; // functions, symbols: msgpack-lite writes nil
  }
}

// ---- encode cases --------------------------------------------------------------------------------
const encodeCases = [];
function enc(name, value, description) {
  const bytes = msgpack.encode(value);
  const c = { name, value: description !== undefined ? description : tag(value) };
  if (bytes.length <= 4096) {
    c.hex = hex(bytes);
  } else {
    c.length = bytes.length;
    c.sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    c.head = hex(bytes.subarray(0, 16));
  }
  // msgpack-lite's own reading of its output; recorded when it differs from the value written
  // (lone surrogates become U+FFFD, -0 becomes 0). Big cases given by description are not checked.
  if (description === undefined) {
    const back = tag(msgpack.decode(bytes));
    if (JSON.stringify(back) !== JSON.stringify(c.value)) c.decoded = back;
  }
  encodeCases.push(c);
}

// nil, booleans, things JS writes as nil
enc('nil', null);
enc('undefined -> nil', undefined, null);
enc('function -> nil', function f() { }, null);
enc('false', false);
enc('true', true);

// integers: every format boundary
const ints = [
  0, 1, 2, 15, 16, 31, 32, 63, 64, 126, 127, 128, 129, 200, 254, 255, 256, 257, 1000, 4095, 4096, 32767, 32768,
  65534, 65535, 65536, 65537, 100000, 1048576, 16777215, 16777216, 2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1,
  3e9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 1e12, 1e15, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 60, 2 ** 63,
  2 ** 63 + 2 ** 11, 2 ** 64 - 2 ** 11,
  -1, -2, -15, -16, -31, -32, -33, -64, -100, -127, -128, -129, -200, -255, -256, -257, -32767, -32768, -32769,
  -65535, -65536, -65537, -(2 ** 31) + 1, -(2 ** 31), -(2 ** 31) - 1, -3e9, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 40),
  -(2 ** 53) + 1, -(2 ** 53), -(2 ** 60), -(2 ** 63),
];
for (const i of ints) enc(`int ${i}`, i);
for (let k = 0; k < 40; k++) {
  const bits = rint(1, 31);
  const v = rint(0, 2 ** bits - 1) * (rnd() < 0.3 ? -1 : 1);
  enc(`random int ${v}`, v);
}
for (let k = 0; k < 20; k++) {
  const v = rint(2 ** 31, 2 ** 53 - 1) * (rnd() < 0.3 ? -1 : 1);
  enc(`random big int ${v}`, v);
}

// floats
const floats = [
  0.5, -0.5, 1.5, -1.5, 0.1, -0.1, 0.25, 3.141592653589793, 2.718281828459045, 1e-7, 1e-300, 5e-324, -5e-324,
  2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e21, 1e100, 123456789.123,
  2147483647.5, -2147483648.5, 4294967295.5, 4294967296.5, 9007199254740991.5 - 0.5 + 0.25, 2 ** 64, 2 ** 70, -(2 ** 64),
  -0, NaN, Infinity, -Infinity, 1 / 3, 100.01,
];
for (const f of floats) enc(`float ${Object.is(f, -0) ? '-0' : f}`, f);
for (let k = 0; k < 30; k++) {
  const v = (rnd() - 0.5) * Math.pow(10, rint(-10, 20));
  enc(`random float ${v}`, v);
}

// strings: sizes around every header boundary, multi-byte text, lone surrogates
for (const n of [0, 1, 2, 30, 31, 32, 33, 100, 254, 255, 256, 257, 1000, 4000]) enc(`ascii string ${n}`, 'x'.repeat(n));
for (const n of [4095, 65534, 65535, 65536, 65537, 100000]) enc(`ascii string ${n}`, 'y'.repeat(n), { strOf: [n, 'y'] });
enc('string 2-byte chars 15 (30 bytes)', 'é'.repeat(15));
enc('string 2-byte chars 16 (32 bytes, 16 UTF-16 units)', 'é'.repeat(16));
enc('string 3-byte chars 10 (30 bytes)', '日'.repeat(10));
enc('string 3-byte chars 11 (33 bytes, 11 UTF-16 units)', '日'.repeat(11));
enc('string 3-byte chars 85 (255 bytes)', '日'.repeat(85));
enc('string 3-byte chars 86 (258 bytes, 86 UTF-16 units)', '日'.repeat(86));
enc('string 2-byte chars 128 (256 bytes)', 'é'.repeat(128));
enc('string 3-byte chars 21845 (65535 bytes)', '日'.repeat(21845), { strOf: [21845, '日'] });
enc('string 3-byte chars 21846 (65538 bytes, str32)', '日'.repeat(21846), { strOf: [21846, '日'] });
enc('string 4-byte chars 8 (32 bytes)', '😀'.repeat(8));
enc('string 4-byte chars 7 + 3 ascii (31 bytes)', '😀'.repeat(7) + 'abc');
for (const s of ['a', 'foo', 'é', 'ß', '日本語', 'Ω≈ç√∫', '😀', 'a😀b', '\u0000', 'tab\tnewline\n"quote"\\', '\u007f\u0080\u07ff\u0800\uffff',
  '\ud7ff\ue000', '𝄞 music', 'Ünïcödé ständärd', 'id1', 'tcp://127.0.0.1:8041', 'TypeError', 'peers must be an array']) enc(`string ${JSON.stringify(s)}`, s);
enc('lone high surrogate', '\ud800');
enc('lone low surrogate', 'a\udc00b');
enc('reversed surrogate pair', '\ude00\ud83d');
enc('high surrogate at end', 'abc\ud83d');
enc('lone surrogates around fixstr boundary', 'x'.repeat(29) + '\ud800'); // 29 + 3 = 32 bytes: str8
for (let k = 0; k < 25; k++) {
  const len = rint(0, 60);
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rnd();
    s += r < 0.5 ? String.fromCharCode(rint(0x20, 0x7e)) : r < 0.75 ? String.fromCharCode(rint(0x80, 0x7ff))
      : r < 0.95 ? String.fromCharCode(rint(0x800, 0xd7ff)) : String.fromCodePoint(rint(0x10000, 0x10ffff));
  }
  enc(`random unicode string ${k}`, s);
}

// binaries (msgpack-lite uses bin8 only below 255 bytes)
for (const n of [0, 1, 2, 31, 32, 100, 254, 255, 256, 1000, 4000]) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (7 + i) & 0xff;
  enc(`buffer ${n}`, b);
}
for (const n of [65534, 65535, 65536, 70000]) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (3 + i) & 0xff;
  enc(`buffer ${n}`, b, { binOf: [n, 3] });
}
for (let k = 0; k < 10; k++) {
  const b = Buffer.alloc(rint(0, 40));
  for (let i = 0; i < b.length; i++) b[i] = rint(0, 255);
  enc(`random buffer ${k}`, b);
}

// arrays
for (const n of [0, 1, 2, 14, 15, 16, 17, 100, 1000]) enc(`array of ${n} ints`, Array.from({ length: n }, (_, i) => i));
for (const n of [65535, 65536, 70000]) enc(`array of ${n} zeros`, new Array(n).fill(0), { arrayOf: [n, { int: '0' }] });
enc('array of 65535 nils', new Array(65535).fill(null), { arrayOf: [65535, null] });
enc('array with a hole -> nil', [1, , 3]);
enc('mixed array', [42, 'foo', false]);
enc('mixed array 2', [null, true, -1, 1.5, 'é', Buffer.from([1, 2]), [], {}]);

// maps (plain objects)
enc('empty object', {});
enc('object a:1', { a: 1 });
for (const n of [2, 14, 15, 16, 17, 100]) {
  const o = {};
  for (let i = 0; i < n; i++) o['k' + i] = i;
  enc(`object with ${n} keys`, o);
}
for (const n of [65535, 65536]) {
  const o = {};
  for (let i = 0; i < n; i++) o['k' + i] = i;
  enc(`object with ${n} keys`, o, { mapOf: [n] });
}
enc('object with undefined value', { a: undefined, b: 1 }, { map: [['a', null], ['b', { int: '1' }]] });
enc('object key order', { z: 1, a: 2, m: 3 });
enc('object with integer-like keys (JS orders them first)', { b: 1, 2: 'two', 1: 'one' });
enc('object with unicode keys', { 'ключ': 'значение', '鍵': 1 });

// zmq-raft shapes
const peers = [['id1', 'tcp://127.0.0.1:8041'], ['id2', 'tcp://127.0.0.1:8042'], ['id3', 'tcp://127.0.0.1:8043']];
enc('peer list (3)', peers);
enc('peer list (1)', [['alpha', 'tcp://10.0.0.1:8047']]);
enc('peer list (empty)', []);
enc('peer list (16)', Array.from({ length: 16 }, (_, i) => ['node-' + i, 'tcp://192.168.1.' + i + ':8040']));
enc('transitional config', { old: peers, new: peers.concat([['id4', 'tcp://127.0.0.1:8044']]) });
enc('transitional config (shrink)', { old: peers, new: peers.slice(0, 1) });
enc('error object TypeError', { name: 'TypeError', message: 'peers must be an array' });
enc('error object Error', { name: 'Error', message: 'wrong request id log entry type' });
enc('leader id', 'id1');
enc('leader id nil', null);
enc('[offset, size, term]', [0, 65536, 1]);
enc('[offset, size, term] big', [3000000000, 4096, 12]);
enc('[offset, size, term] huge', [2 ** 53 - 1, 2 ** 32, 2 ** 31]);
enc('log index 3e9', 3000000000);
enc('snapshot meta', { created: '2024-01-02T03:04:05.678Z', hostname: 'raft-host-1' });
enc('checkpoint data', null);
enc('PROTO.md example', [42, 'foo', false]);

// nesting
let nest = 0;
for (let d = 1; d <= 256; d++) {
  nest = [nest];
  if (d === 1 || d === 2 || d === 10 || d === 100 || d === 255 || d === 256) enc(`nested arrays depth ${d}`, nest);
}
let nestMap = 'leaf';
for (let d = 1; d <= 50; d++) nestMap = { ['level' + d]: nestMap, n: d };
enc('nested maps depth 50', nestMap);
enc('nested mixed', { a: [1, { b: [2, { c: [3, Buffer.from('hi')] }] }], d: { e: null, f: [true, false, 1e100] } });

// random nested structures
function randomValue(depth) {
  const r = rnd();
  if (depth > 3 || r < 0.45) {
    const s = rnd();
    if (s < 0.1) return null;
    if (s < 0.2) return rnd() < 0.5;
    if (s < 0.45) return rint(-70000, 70000);
    if (s < 0.55) return rint(-1e12, 1e12);
    if (s < 0.65) return (rnd() - 0.5) * 1e6;
    if (s < 0.9) return 'str' + rint(0, 1e6) + (rnd() < 0.2 ? 'ü😀' : '');
    return Buffer.from(Array.from({ length: rint(0, 8) }, () => rint(0, 255)));
  }
  if (r < 0.75) return Array.from({ length: rint(0, 17) }, () => randomValue(depth + 1));
  const o = {};
  const n = rint(0, rint(0, 1) ? 17 : 5);
  for (let i = 0; i < n; i++) o['key' + rint(0, 1000)] = randomValue(depth + 1);
  return o;
}
for (let k = 0; k < 40; k++) enc(`random nested ${k}`, randomValue(0));

// ---- decode-only cases ---------------------------------------------------------------------------
const decodeCases = [];
function dec(name, hexBytes, opts) {
  opts = opts || {};
  const bytes = Buffer.from(hexBytes.replace(/\s+/g, ''), 'hex');
  const c = { name, hex: hex(bytes) };
  try {
    c.lite = tag(msgpack.decode(bytes));
  } catch (e) {
    c.liteError = String(e && e.message);
  }
  if (opts.exact !== undefined) c.exact = opts.exact;
  if (opts.consumed !== undefined) c.consumed = opts.consumed;
  c.ours = opts.ours || (c.liteError !== undefined ? 'error' : 'ok');
  if (opts.note) c.note = opts.note;
  decodeCases.push(c);
}
const I = v => ({ int: String(v) });
const F = x => ({ float: floatBits(x) });
const u64 = v => 'cf' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
const i64 = v => 'd3' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');

// 64-bit integers (msgpack-lite never writes them; it reads them as the nearest double)
for (const v of [0n, 1n, 127n, 128n, 2n ** 31n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n,
  2n ** 64n - 2n, 2n ** 64n - 1n]) dec(`uint64 ${v}`, u64(v), { exact: I(v) });
for (const v of [0n, 5n, -1n, -32n, -33n, -(2n ** 31n), -(2n ** 31n) - 1n, -(2n ** 53n) + 1n, -(2n ** 53n) - 1n, 2n ** 63n - 1n,
  -(2n ** 63n), -(2n ** 63n) + 1n]) dec(`int64 ${v}`, i64(v), { exact: I(v) });

// non-minimal integer forms
dec('uint8 5', 'cc05', { exact: I(5) });
dec('uint8 255', 'ccff', { exact: I(255) });
dec('uint16 5', 'cd0005', { exact: I(5) });
dec('uint16 65535', 'cdffff', { exact: I(65535) });
dec('uint32 5', 'ce00000005', { exact: I(5) });
dec('uint32 4294967295', 'ceffffffff', { exact: I(4294967295) });
dec('int8 5', 'd005', { exact: I(5) });
dec('int8 -128', 'd080', { exact: I(-128) });
dec('int8 -1', 'd0ff', { exact: I(-1) });
dec('int16 1', 'd10001', { exact: I(1) });
dec('int16 -32768', 'd18000', { exact: I(-32768) });
dec('int32 1', 'd200000001', { exact: I(1) });
dec('int32 2147483647', 'd27fffffff', { exact: I(2147483647) });
dec('int32 -2147483648', 'd280000000', { exact: I(-2147483648) });

// float32 (msgpack-lite never writes it)
for (const [bits, x] of [['3fc00000', 1.5], ['3dcccccd', null], ['00000000', 0], ['80000000', -0], ['3f800000', 1],
  ['7f7fffff', null], ['00000001', null], ['7f800000', Infinity], ['ff800000', -Infinity], ['7fc00000', NaN],
  ['c2f6e979', null], ['4f000000', 2 ** 31]]) {
  const b = Buffer.from(bits, 'hex');
  const v = x === null ? b.readFloatBE(0) : x;
  dec(`float32 ${bits}`, 'ca' + bits, { exact: F(v) });
}
// float64 carrying integers and specials
dec('float64 2.0', 'cb4000000000000000', { exact: F(2) });
dec('float64 3e9', 'cb41e65a0bc0000000', { exact: F(3e9) });
dec('float64 -0', 'cb8000000000000000', { exact: F(-0) });
dec('float64 NaN with payload', 'cb7ff0000000000001', { exact: F(NaN) });
dec('float64 negative NaN', 'cbfff8000000000000', { exact: F(NaN) });

// other encoders' string/binary/container forms
dec('str8 short', 'd903616263', { exact: 'abc' });
dec('str8 empty', 'd900', { exact: '' });
dec('str16 short', 'da0003616263', { exact: 'abc' });
dec('str32 short', 'db00000003616263', { exact: 'abc' });
dec('fixstr 31', 'bf' + '61'.repeat(31), { exact: 'a'.repeat(31) });
dec('bin8 255 (msgpack-lite writes bin16)', 'c4ff' + 'ab'.repeat(255), { exact: { bin: 'ab'.repeat(255) } });
dec('bin16 short', 'c50002abcd', { exact: { bin: 'abcd' } });
dec('bin32 short', 'c600000002abcd', { exact: { bin: 'abcd' } });
dec('bin8 empty', 'c400', { exact: { bin: '' } });
dec('array16 short', 'dc0002c0c3', { exact: [null, true] });
dec('array32 short', 'dd00000002c0c3', { exact: [null, true] });
dec('array16 empty', 'dc0000', { exact: [] });
dec('map16 short', 'de0001a161c3', { exact: { map: [['a', true]] } });
dec('map32 short', 'df00000001a161c3', { exact: { map: [['a', true]] } });
dec('map32 empty', 'df00000000', { exact: { map: [] } });
dec('map with non-string keys (msgpack-lite turns keys into strings)', '820102c003', { exact: { map: [[I(1), I(2)], [null, I(3)]] } });
dec('map with duplicate keys (msgpack-lite keeps the last)', '82a16101a16102', { exact: { map: [['a', I(1)], ['a', I(2)]] } });
dec('map with array key', '81920102c3', { exact: { map: [[[I(1), I(2)], true]] } });

// invalid UTF-8 (msgpack-lite uses Buffer#toString('utf-8'): each maximal invalid subpart becomes U+FFFD)
const badUtf8 = ['80', 'bf', 'c0', 'c1', 'c080', 'c1bf', 'c2', 'c228', 'e0', 'e080', 'e08080', 'e09f80', 'e0a0', 'e282', 'e28228',
  'eda080', 'edbfbf', 'eda0', 'f0', 'f08080', 'f0808080', 'f09f98', 'f09f9828', 'f48fbfbf', 'f4908080', 'f5808080', 'f8888080',
  'fe', 'ff', 'fffe', '41ff42', '61e2828261', 'f09f988041', 'c3a9c3', 'ed9fbf', 'ee8080', 'efbfbd', 'efbfbe', 'f4', 'f48f',
  'e1bfc0', 'c3', '6fc3', 'e2ff82ac'];
for (const b of badUtf8) dec(`utf-8 ${b}`, (0xa0 + b.length / 2).toString(16) + b);
for (let k = 0; k < 150; k++) {
  const n = rint(1, 12);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rnd() < 0.6 ? rint(0x80, 0xff) : rint(0, 0x7f);
  dec(`random utf-8 ${k}`, (0xa0 + n).toString(16) + hex(b));
}
dec('invalid utf-8 in str8', 'd905' + '41ff42c3a9');
dec('invalid utf-8 as a map key', '81a2ff61c3');

// trailing bytes: msgpack.decode(buffer) returns the first value and ignores the rest
dec('trailing bytes after fixint', '010203', { consumed: 1 });
dec('trailing nil after nil', 'c0c0', { consumed: 1 });
dec('trailing garbage after array', '9101c1ff', { consumed: 2 });
dec('trailing partial value', '93010203d9', { consumed: 4 });

// nesting: msgpack-lite has no depth limit; RaftRunner accepts 256 levels and rejects deeper input
dec('nested arrays depth 256', '91'.repeat(256) + 'c0');
dec('nested arrays depth 257', '91'.repeat(257) + 'c0', { ours: 'error', note: 'deeper than RaftRunner\'s 256-level limit' });
dec('nested maps depth 257', '81a0'.repeat(257) + 'c0', { ours: 'error', note: 'deeper than RaftRunner\'s 256-level limit' });

// errors both reject
dec('empty input', '');
dec('never-used 0xc1', 'c1');
dec('never-used 0xc1 inside an array', '9201c1');
for (const [name, h] of [['uint8', 'cc'], ['uint16', 'cd00'], ['uint32', 'ce000000'], ['uint64', 'cf00000000000000'],
  ['int8', 'd0'], ['int16', 'd1ff'], ['int32', 'd2ffffff'], ['int64', 'd3ffffffffffffff'], ['float32', 'ca3fc000'],
  ['float64', 'cb3ff80000000000'], ['str8 length', 'd9'], ['str8 payload', 'd90541'], ['str16 length', 'da00'],
  ['str16 payload', 'da0100' + '41'.repeat(10)], ['str32 length', 'db000000'], ['str32 payload', 'db0000000441'],
  ['str32 claiming 4 GB', 'dbffffffff41'], ['fixstr payload', 'a3414243'.slice(0, 6)], ['bin8 length', 'c4'],
  ['bin8 payload', 'c40201'], ['bin16 payload', 'c50003'], ['bin32 claiming 4 GB', 'c6ffffffff00'],
  ['array16 length', 'dc00'], ['array16 elements', 'dc000301'], ['array32 claiming 2^32-1 elements', 'ddffffffff0102'],
  ['map16 elements', 'de0001a161'], ['map32 claiming 2^32-1 entries', 'dfffffffff0102'], ['fixarray elements', '9301'],
  ['fixmap value', '81a161'], ['nested truncation', '92' + '91' + '92' + 'c0']]) dec(`truncated ${name}`, h);

// extension types: msgpack-lite unpacks them (Error, Date, typed arrays, or ExtBuffer); RaftRunner rejects them
const note = 'extension types are not part of zmq-raft\'s protocol; RaftRunner rejects them';
dec('fixext1 type 0x40', 'd44001', { ours: 'error', note });
dec('fixext2', 'd5400102', { ours: 'error', note });
dec('fixext4', 'd64001020304', { ours: 'error', note });
dec('fixext8', 'd740' + '01'.repeat(8), { ours: 'error', note });
dec('fixext16', 'd840' + '01'.repeat(16), { ours: 'error', note });
dec('ext8', 'c7034001020304'.slice(0, 14), { ours: 'error', note });
dec('ext16', 'c80002400102', { ours: 'error', note });
dec('ext32', 'c900000001400a', { ours: 'error', note });
dec('fixext1 type 0x05 (TypeError in msgpack-lite)', 'd40501', { ours: 'error', note });
dec('ext inside an array', '9201d44001', { ours: 'error', note });

// ---- write -------------------------------------------------------------------------------------
const out = {
  comment: 'Generated by tests/vectors/msgpack/generate.js; see the header of that file for the format. Do not edit.',
  msgpackLite: liteVersion,
  node: process.version,
  encode: encodeCases,
  decode: decodeCases,
};
const file = path.join(__dirname, 'vectors.json');
// One case per line keeps the file small (deep nesting would explode under indentation) and diffs readable.
const lines = cases => cases.map(c => '  ' + JSON.stringify(c)).join(',\n');
fs.writeFileSync(file, '{\n' +
  ['comment', 'msgpackLite', 'node'].map(k => ` ${JSON.stringify(k)}: ${JSON.stringify(out[k])},\n`).join('') +
  ` "encode": [\n${lines(out.encode)}\n ],\n "decode": [\n${lines(out.decode)}\n ]\n}\n`);
console.log(`wrote ${path.relative(process.cwd(), file)}: ${encodeCases.length} encode cases, ${decodeCases.length} decode cases`);
