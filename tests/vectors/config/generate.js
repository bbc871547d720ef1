#!/usr/bin/env node
// Writes vectors.json: the peer list of a ConfigUpdate request run through zmq-raft 0.5.0's own
// ClusterConfiguration#join (which calls helpers.parsePeers and validatePeerUrlFormat, i.e. Node's legacy
// url.parse and assert). RaftRunner's PeerListValidator must give the same verdict for every case: the new
// peer list, the {name, message} zmq-raft replies with status 2, or busy (join returned null).
//
// Each input is msgpack-encoded and decoded again with msgpack-lite before join sees it, because that is
// what the leader does with the request's peers frame; the C# test decodes the same bytes ("msgpack").
// "input" is the JSON form for people (absent when the value has no JSON form; "describe" says what it is).
// "deviation" marks the few cases where RaftRunner knowingly differs; the test then only checks that RaftRunner
// refuses the list. "fuzz" cases are seeded mutations of urls (no "xn--" labels; the only non-ASCII characters
// are ones whose UTS #46 mapping PeerListValidator reproduces).
// The AssertionError texts depend on the Node version and on stderr not being a TTY (Node colours them on a
// TTY; a daemon's stderr is usually not one), so the script refuses to run with stderr on a terminal.
//
// Regenerate:  node tests/vectors/config/generate.js 2>/dev/null   (installs zmq-raft first if it is missing)
'use strict';
const path = require('path');
const fs = require('fs');
const root = require('../ensure-zmq-raft')();
const zr = (p) => require(path.join(root, 'zmq-raft', p));
const ClusterConfiguration = zr('lib/common/cluster_configuration');
const msgpack = require(path.join(root, 'msgpack-lite'));

if (process.stderr.isTTY) {
  console.error('run with stderr redirected (2>/dev/null): Node colours assert messages on a TTY');
  process.exit(1);
}

const U1 = 'tcp://127.0.0.1:8041', U2 = 'tcp://127.0.0.1:8051', U3 = 'tcp://127.0.0.1:8061', U4 = 'tcp://127.0.0.1:8071';
const final3 = [['id1', U1], ['id2', U2], ['id3', U3]];
const configs = {
  final3,
  final1: [['id1', U1]],
  transitional: { old: final3.slice(0, 2), new: final3 },
  ipv6: [['v1', 'tcp://[::1]:8041'], ['v2', 'tcp://[::1]:8051']],
};

// ---- raw msgpack for values JSON cannot express -------------------------------------------------------
const enc = (v) => msgpack.encode(v);
const raw = {
  arr: (...items) => Buffer.concat([Buffer.from([0x90 | items.length]), ...items]),
  map: (...entries) => Buffer.concat([Buffer.from([0x80 | entries.length]), ...entries.flat()]),
  bin: (s) => enc(Buffer.from(s)),
};

const cases = [];
function add(name, config, input, opts = {}) {
  const bytes = opts.msgpack || enc(input);
  const c = { name, config };
  if (!opts.msgpack) c.input = input;
  if (opts.describe) c.describe = opts.describe;
  c.msgpack = bytes.toString('hex');
  const cluster = new ClusterConfiguration('id1', configs[config]);
  try {
    const joint = cluster.join(msgpack.decode(bytes));
    c.expect = joint === null ? { busy: true } : { accepted: joint.new };
  } catch (err) {
    c.expect = { error: { name: err.name, message: err.message } };
  }
  if (opts.deviation) c.deviation = opts.deviation;
  if (opts.fuzz) c.fuzz = true;
  cases.push(c);
}
// one new peer "id4" with this url, added to the 1-node config: exercises validatePeerUrlFormat alone
const url = (name, u, opts) => add(`url: ${name}`, 'final1', [['id1', U1], ['id4', u]], opts);

// ---- the argument itself -------------------------------------------------------------------------------
add('not an array: string', 'final3', U1);
add('not an array: number', 'final3', 5);
add('not an array: nil', 'final3', null);
add('not an array: boolean', 'final3', true);
add('not an array: map', 'final3', { id: 'id1', url: U1 });
add('not an array: map with index keys', 'final3', { 0: ['id1', U1] });
add('not an array: binary', 'final3', null, { msgpack: raw.bin('abc'), describe: 'binary "abc"' });
add('empty array', 'final3', []);
add('empty array, 1-node config', 'final1', []);

// ---- busy: join checks the transitional state before it looks at the argument -----------------------
add('transitional: valid change is busy', 'transitional', [['id1', U1], ['id2', U2]]);
add('transitional: same as new config is busy', 'transitional', final3);
add('transitional: not an array is busy', 'transitional', 'nonsense');
add('transitional: empty array is busy', 'transitional', []);
add('transitional: bad url is busy', 'transitional', [['id1', 'http://x']]);

// ---- peer forms ---------------------------------------------------------------------------------------
add('element: number', 'final3', [['id1', U1], 5]);
add('element: nil', 'final3', [null]);
add('element: boolean', 'final3', [false]);
add('element: float', 'final3', [1.5]);
add('element: binary', 'final3', null, { msgpack: raw.arr(enc(['id1', U1]), raw.bin('id4')), describe: '[["id1", U1], binary "id4"]' });
add('form: url strings (id = url)', 'final1', [U4, U2]);
add('form: url string equal to an existing url under another id', 'final1', [U1]);
add('form: [id] alone uses id as url', 'final1', [['id1', U1], [U4]]);
add('form: [id] alone that is not a url', 'final1', [['id1', U1], ['id4']]);
add('form: [id, url, extra] ignores extra', 'final1', [['id1', U1, 'extra', 7], ['id4', U4, null]]);
add('form: {id, url}', 'final1', [{ id: 'id1', url: U1 }, { id: 'id4', url: U4 }]);
add('form: {url} alone uses url as id', 'final1', [{ id: 'id1', url: U1 }, { url: U4 }]);
add('form: {id} alone uses id as url', 'final1', [{ id: 'id1', url: U1 }, { id: 'id4' }]);
add('form: {id} alone that is a url', 'final1', [{ id: 'id1', url: U1 }, { id: U4 }]);
add('form: {} has no id', 'final1', [{ id: 'id1', url: U1 }, {}]);
add('form: {id, url} with extra keys', 'final1', [{ id: 'id1', url: U1, x: 1 }, { url: U4, id: 'id4', role: 'voter' }]);
add('form: mixed forms', 'final1', [{ id: 'id1', url: U1 }, U4, ['id5', 'tcp://10.0.0.5:9000'], ['id6']]);
add('form: {id: nil, url} is not a missing id', 'final1', [{ id: null, url: U4 }]);
add('form: {id, url: nil} is not a missing url', 'final1', [{ id: 'id4', url: null }]);
add('form: map with duplicate url keys (last wins)', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('id'), enc('id4')], [enc('url'), enc('http://x')], [enc('url'), enc(U4)])),
  describe: '[["id1", U1], {id: "id4", url: "http://x", url: U4}]',
});
add('form: map with a binary "id" key', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([raw.bin('id'), enc('id4')], [enc('url'), enc(U4)])),
  describe: '[["id1", U1], {<bin "id">: "id4", url: U4}]',
});
add('form: map with an array ["url"] key', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('id'), enc('id4')], [enc(['url']), enc(U4)])),
  describe: '[["id1", U1], {id: "id4", ["url"]: U4}]',
});
add('form: map with an integer key', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc(1), enc('x')], [enc('url'), enc(U4)])),
  describe: '[["id1", U1], {1: "x", url: U4}]',
});
add('form: map whose __proto__ key supplies id and url', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('__proto__'), enc({ id: 'id4', url: U4 })])),
  describe: '[["id1", U1], {__proto__: {id: "id4", url: U4}}]',
});
add('form: own url wins over __proto__ url', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('url'), enc(U4)], [enc('__proto__'), enc({ id: 'id4', url: 'http://x' })])),
  describe: '[["id1", U1], {url: U4, __proto__: {id: "id4", url: "http://x"}}]',
});
add('form: __proto__ string is ignored', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('__proto__'), enc('x')], [enc('url'), enc(U4)])),
  describe: '[["id1", U1], {__proto__: "x", url: U4}]',
});
add('form: __proto__ after a null prototype is an own property', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('__proto__'), enc(null)], [enc('__proto__'), enc({ id: 'id4', url: U4 })])),
  describe: '[["id1", U1], {__proto__: null, __proto__: {id: "id4", url: U4}}]',
});
add('form: __proto__ after a prototype without Object.prototype is an own property', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map(
    [enc('__proto__'), raw.map([enc('__proto__'), enc(null)], [enc('url'), enc(U4)])],
    [enc(['__proto__']), enc({ id: 'id4' })])),
  describe: '[["id1", U1], {__proto__: {__proto__: null, url: U4}, ["__proto__"]: {id: "id4"}}]',
});
add('form: __proto__ nil leaves no id, so the url is the id', 'final1', null, {
  msgpack: raw.arr(enc(['id1', U1]), raw.map([enc('__proto__'), enc(null)], [enc('url'), enc(U4)])),
  describe: '[["id1", U1], {__proto__: null, url: U4}]',
});

// ---- ids ---------------------------------------------------------------------------------------------
add('id: empty string form', 'final3', ['']);
add('id: empty in tuple', 'final3', [['', U4]]);
add('id: empty in object', 'final3', [{ id: '', url: U4 }]);
add('id: empty tuple', 'final3', [[]]);
add('id: nil in tuple', 'final3', [[null, U4]]);
add('id: number in tuple', 'final3', [[4, U4]]);
add('id: array in tuple', 'final3', [[['id4'], U4]]);
add('id: checked before url (empty id, bad url)', 'final3', [['', 'garbage']]);
add('id: unicode and spaces are fine', 'final1', [['id1', U1], ['węzeł 4', U4]]);
add('id: duplicate', 'final3', [['id1', U1], ['id1', U2]]);
add('id: duplicate checked before url format', 'final3', [['id1', U1], ['id1', 'garbage']]);
add('id: duplicate in url-string form', 'final1', [U4, U4]);
add('id: case matters', 'final1', [['id1', U1], ['ID1', U4]]);

// ---- urls: presence and protocol --------------------------------------------------------------------
url('empty', '');
url('nil', null);
url('number', 8071);
url('binary', null, { msgpack: raw.arr(enc(['id1', U1]), raw.arr(enc('id4'), raw.bin(U4))), describe: '[["id1", U1], ["id4", <bin U4>]]' });
url('http', 'http://127.0.0.1:8071');
url('https (long diff)', 'https://127.0.0.1:8071');
url('udp (short form)', 'udp://127.0.0.1:8071');
url('uppercase TCP is fine', 'TCP://127.0.0.1:8071');
url('tcpx (position marker)', 'tcpx://127.0.0.1:8071');
url('tcp6', 'tcp6://127.0.0.1:8071');
url('zmq+tcp', 'zmq+tcp://127.0.0.1:8071');
url('ipc', 'ipc:///tmp/sock');
url('no protocol: host:port', '127.0.0.1:8071');
url('no protocol: //host:port', '//127.0.0.1:8071');
url('no protocol: path', '/tmp/sock');
url('no protocol: word', 'garbage');
url('no protocol: user@host (//)', '//u@127.0.0.1:8071');
url('javascript', 'javascript:alert(1)');
url('protocol of 90 chars', 'x'.repeat(86) + 'tcp://127.0.0.1:8071');
url('protocol with quote-free long name', 'tcptcptcptcptcptcp://127.0.0.1:8071');
url('tcp: without slashes', 'tcp:127.0.0.1:8071');
url('tcp:/ one slash', 'tcp:/127.0.0.1:8071');
url('tcp:/// three slashes', 'tcp:///127.0.0.1:8071');
url('backslashes', 'tcp:\\\\127.0.0.1:8071');
url('leading whitespace is trimmed', '  tcp://127.0.0.1:8071');
url('trailing whitespace is trimmed', 'tcp://127.0.0.1:8071 \t');
url('leading NBSP and BOM', '\u00a0\ufefftcp://127.0.0.1:8071');

// ---- auth ------------------------------------------------------------------------------------------
url('auth user:pass', 'tcp://u:p@127.0.0.1:8071');
url('auth empty', 'tcp://@127.0.0.1:8071');
url('auth user', 'tcp://user@127.0.0.1:8071');
url('auth longer', 'tcp://someone:secret@127.0.0.1:8071');
url('auth with percent-encoded newline', 'tcp://a%0Ab@127.0.0.1:8071');
url('auth with single quote', "tcp://it's@127.0.0.1:8071");
url('auth with both quotes', 'tcp://a\'b%22c@127.0.0.1:8071');
url('auth with all quotes', 'tcp://a\'b%22c%60d@127.0.0.1:8071');
url('auth with quotes and ${', 'tcp://a\'b%22c$%7Bd@127.0.0.1:8071');
url('auth with backslash', 'tcp://a%5Cb@127.0.0.1:8071');
url('auth with controls', 'tcp://%01%7F%C2%85%C2%A0@127.0.0.1:8071');
url('auth with emoji', 'tcp://%F0%9F%92%A9@127.0.0.1:8071');
url('auth with raw tab removed', 'tcp://a\tb@127.0.0.1:8071');
url('auth of 80 chars', 'tcp://' + 'a'.repeat(80) + '@127.0.0.1:8071');
url('auth of 80 chars with newlines', 'tcp://' + 'line%0A'.repeat(20) + '@127.0.0.1:8071');
url('auth of 80 chars ending in newline', 'tcp://' + 'b'.repeat(79) + '%0A@127.0.0.1:8071');
url('auth of 12000 chars', 'tcp://' + 'c'.repeat(12000) + '@127.0.0.1:8071');
url('auth bad escape', 'tcp://a%zz@127.0.0.1:8071');
url('auth truncated escape', 'tcp://a%4@127.0.0.1:8071');
url('auth truncated utf-8', 'tcp://%E0%A4%A@127.0.0.1:8071');
url('auth invalid utf-8 continuation', 'tcp://%C3%28@127.0.0.1:8071');
url('auth overlong utf-8', 'tcp://%C0%AF@127.0.0.1:8071');
url('auth encoded surrogate', 'tcp://%ED%A0%80@127.0.0.1:8071');
url('auth lone continuation byte', 'tcp://%80@127.0.0.1:8071');
url('auth bad protocol reported after url.parse throws', 'http://%zz@127.0.0.1:8071');
url('auth is ended by /', 'tcp://127.0.0.1:8071/u@x');
url('auth two @', 'tcp://a@b@127.0.0.1:8071');

// ---- path, query, hash -----------------------------------------------------------------------------
url('trailing slash', 'tcp://127.0.0.1:8071/');
url('path', 'tcp://127.0.0.1:8071/x');
url('query', 'tcp://127.0.0.1:8071?x=1');
url('empty query', 'tcp://127.0.0.1:8071?');
url('semicolon', 'tcp://127.0.0.1:8071;x');
url('space inside', 'tcp://127.0.0.1:8071 x');
url('trailing slash then space', 'tcp://127.0.0.1:8071/ ');
url('ipv6 no path is fine', 'tcp://[::1]:8071');
url('ipv6 trailing slash', 'tcp://[::1]:8071/');
url('ipv6 query', 'tcp://[::1]:8071?x');
url('ipv6 hash', 'tcp://[::1]:8071#x');
url('hash', 'tcp://127.0.0.1:8071#x');
url('empty hash', 'tcp://127.0.0.1:8071#');
url('hash with spaces and quotes', 'tcp://127.0.0.1:8071#a b\'c"d');
url('hash with control char', 'tcp://127.0.0.1:8071#a\u0001b');
url('hash of 90 chars', 'tcp://127.0.0.1:8071#' + 'h'.repeat(90));
url('hash after query', 'tcp://127.0.0.1:8071?q#h');
url('path and hash: path first', 'tcp://127.0.0.1:8071/p#h');

// ---- port ------------------------------------------------------------------------------------------
url('no port', 'tcp://127.0.0.1');
url('empty port', 'tcp://127.0.0.1:');
url('port 0', 'tcp://127.0.0.1:0');
url('port 1', 'tcp://127.0.0.1:1');
url('port 65535', 'tcp://127.0.0.1:65535');
url('port 65536', 'tcp://127.0.0.1:65536');
url('port with leading zeros', 'tcp://127.0.0.1:008071');
url('port 2^32+1 wraps to 1', 'tcp://127.0.0.1:4294967297');
url('port 2^31+80 wraps negative', 'tcp://127.0.0.1:2147483728');
url('port of 25 digits', 'tcp://127.0.0.1:9999999999999999999999999');
url('port of 400 digits', 'tcp://127.0.0.1:' + '9'.repeat(400));
url('port not numeric', 'tcp://127.0.0.1:80a');
url('two ports', 'tcp://127.0.0.1:80:81');
url('ipv6 no port', 'tcp://[::1]');
url('ipv6 empty port', 'tcp://[::1]:');

// ---- host ------------------------------------------------------------------------------------------
url('placeholder 0.0.0.0', 'tcp://0.0.0.0:8071');
url('placeholder ::', 'tcp://[::]:8071');
url('placeholder long form of :: is not caught', 'tcp://[0:0:0:0:0:0:0:0]:8071');
url('localhost', 'tcp://localhost:8071');
url('hostname', 'tcp://node4.example.com:8071');
url('uppercase hostname', 'tcp://NODE4:8071');
url('short ipv4 127.1', 'tcp://127.1:8071');
url('ipv4 octet 256', 'tcp://256.0.0.1:8071');
url('ipv4 leading zero', 'tcp://01.2.3.4:8071');
url('ipv4 trailing dot', 'tcp://1.2.3.4.:8071');
url('no host', 'tcp://:8071');
url('ipv6 loopback', 'tcp://[::1]:8071');
url('ipv6 uppercase', 'tcp://[FE80::1]:8071');
url('ipv6 v4-mapped', 'tcp://[::ffff:127.0.0.1]:8071');
url('ipv6 full', 'tcp://[2001:db8:0:0:0:0:0:1]:8071');
url('ipv6 without brackets', 'tcp://::1:8071');
url('ipv6 zone id', 'tcp://[fe80::1%25eth0]:8071');
url('ipv6 unclosed', 'tcp://[::1:8071');
url('ipv6 extra ]', 'tcp://[::1]]:8071');
url('ipv6 extra [', 'tcp://[[::1]:8071');
url('ipv6 invalid', 'tcp://[::g]:8071');
url('ipv6 with space after', 'tcp://[::1] :8071');
url('[ in hostname', 'tcp://a[b:8071');
url('NUL ends the hostname', 'tcp://127.0.0.1\u0000junk:8071');
url('NUL-only hostname', 'tcp://\u0000:8071');
url('hostname of 256 chars', 'tcp://' + 'a'.repeat(256) + ':8071');
url('ipv4 then 256 chars', 'tcp://127.0.0.1' + '0'.repeat(250) + ':8071');
url('hostname with odd chars', 'tcp://a*b_c!$&()=+,~.x:8071');
url('punycode label ok', 'tcp://xn--ls8h:8071');
url('punycode label uppercase', 'tcp://XN--LS8H:8071');
url('punycode label invalid', 'tcp://xn--zz:8071');
url('punycode label empty', 'tcp://a.xn--:8071');
url('punycode label all ascii', 'tcp://xn--abc-:8071');
url('non-ASCII hostname', 'tcp://ü.example:8071');
url('fullwidth ipv4', 'tcp://１２７.０.０.１:8071');
url('fullwidth ipv4 with ideographic dots', 'tcp://１２７。０。０。１:8071');
url('fullwidth placeholder', 'tcp://０.０.０.０:8071');
url('fullwidth letter', 'tcp://Ａ.b:8071');
url('fullwidth bad protocol', 'http://１２７.０.０.１:8071');
url('circled digits ipv4', 'tcp://①②⑦.0.0.1:8071', { deviation: 'UTS #46 maps circled digits to ASCII; RaftRunner reproduces only a subset of its mapping' });
url('soft hyphen in ipv4 is dropped', 'tcp://\u00ad127.0.0.1:8071');
url('BOM in ipv4 is dropped', 'tcp://10.0.\ufeff0.1:8071');
url('NBSP in hostname becomes a forbidden space', 'tcp://10.0.0.1\u00a0:8071');
url('zero-width joiner', 'tcp://a\u200db.x:8071');
url('C1 control in hostname', 'tcp://10.0.0.1\u0085:8071');
url('NUL after non-ASCII ends the hostname', 'tcp://10.0.0.1\u0000\u00e9:8071');
url('punycode that UTS #46 rejects', 'tcp://xn--a-ecp.b:8071', { deviation: 'the decoded label fails UTS #46 validation, so url.parse throws "Invalid URL"' });

// ---- whole-list rules --------------------------------------------------------------------------------
add('no change: same list', 'final3', final3);
add('no change: object form', 'final3', final3.map(([id, url]) => ({ id, url })));
add('no change: 1-node', 'final1', [['id1', U1]]);
add('no change: ipv6 config', 'ipv6', configs.ipv6);
add('reorder: swapped', 'final3', [final3[1], final3[0], final3[2]]);
add('reorder: reversed', 'final3', final3.slice().reverse());
add('reorder: ipv6 config', 'ipv6', configs.ipv6.slice().reverse());
add('add a peer', 'final3', final3.concat([['id4', U4]]));
add('add a peer first', 'final3', [['id4', U4]].concat(final3));
add('add two peers', 'final1', [['id1', U1], ['id2', U2], ['id3', U3]]);
add('remove a peer', 'final3', final3.slice(0, 2));
add('remove the leader', 'final3', final3.slice(1));
add('keep one', 'final3', [final3[2]]);
add('replace all', 'final3', [['id4', U4], ['id5', 'tcp://10.0.0.5:9000']]);
add('replace one', 'final3', [final3[0], final3[1], ['id4', U4]]);
add('same count different ids', 'final1', [['id4', U4]]);
add('consistency: existing id, other url', 'final3', [['id1', U4], final3[1], final3[2]]);
add('duplicate url: new id with the url of a listed peer', 'final3', final3.concat([['id4', U1]]));
add('consistency: new id, url of a removed peer', 'final3', [final3[0], final3[1], ['id4', U3]]);
add('consistency: ids of two peers swapped', 'final3', [['id2', U1], ['id1', U2], final3[2]]);
add('consistency: url-string form of an existing peer', 'final3', [U1]);
add('consistency: url equal but for a trailing space', 'final3', [['id1', U1 + ' '], final3[1], final3[2]]);
add('duplicate url', 'final1', [['id1', U1], ['id4', U4], ['id5', U4]]);
add('duplicate url checked before consistency', 'final3', [['id4', U4], ['id5', U4]]);
add('url checked before consistency', 'final3', [['id1', 'http://x'], final3[1]]);
add('first bad peer wins: consistency then url', 'final3', [['id1', U4], ['id5', 'http://x']]);
add('first bad peer wins: url then id', 'final3', [['id4', 'http://x'], ['', U4]]);
add('later element bad after good ones', 'final3', final3.concat([7]));
add('many peers', 'final1', [['id1', U1]].concat(Array.from({ length: 20 }, (_, i) => [`p${i}`, `tcp://10.0.${i}.1:${9000 + i}`])));

// ---- fuzz: seeded mutations of urls (no xn--, non-ASCII only from the mapped subset), added to the 1-node config --
let seed = 20240601;
const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
const pick = (a) => a[rand(a.length)];
const bases = ['tcp://127.0.0.1:8071', 'tcp://[::1]:8071', 'tcp://10.1.2.3:65535', 'tcp://u:p@10.0.0.1:9', 'tcp://[fe80::1]:1',
  'TCP://[::ffff:1.2.3.4]:80', 'tcp://%41b%0A%E2%82%AC@1.2.3.4:5#x', '//a@b:1', 'tcp:' + '%0Aab'.repeat(30) + '@1.1.1.1:1'];
const tokens = [':', '/', '//', '@', '#', '?', '[', ']', '.', '%', '%0A', '%zz', '%41', '%E2%82%AC', ' ', '\t', '\n',
  '\\', ';', '"', "'", '`', '${', '|', '^', '<', '0', '1', '9', '00', '65536', '0.0.0.0', '::', 'a', 'A', 'f', 'x',
  '-', '+', 'tcp:', 'http:', 'TCP', '\u0000', '\u0001', '\u007f', 'localhost', '127.0.0.1', 'ffff', 'b'.repeat(70), '*',
  '%0A%0A', '%C3', '@@', '::1', '[::]', '4294967297', 'javascript:', '\u000b', '\u00a0', '\ufeff', '\u00ad', '\u0085'];
for (let n = 0; n < 800; n++) {
  let s = pick(bases);
  const edits = 1 + rand(3);
  for (let e = 0; e < edits; e++) {
    const at = rand(s.length + 1);
    switch (rand(3)) {
      case 0: s = s.slice(0, at) + pick(tokens) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + rand(3)); break;
      default: s = s.slice(0, at) + pick(tokens) + s.slice(at + 1); break;
    }
  }
  url(`fuzz ${n}: ${JSON.stringify(s)}`, s, { fuzz: true });
}

const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  names.add(c.name);
}
const out = {
  generator: 'tests/vectors/config/generate.js',
  zmqRaft: require(path.join(root, 'zmq-raft', 'package.json')).version,
  node: process.version,
  configs,
  cases,
};
fs.writeFileSync(path.join(__dirname, 'vectors.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${cases.length} cases`);
