// The page's pure logic, without a browser: sectors, speeds, key vectors,
// the Driver's on-change + heartbeat rule, the WebSocket URL. node logic.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';

// The page's modules are plain .js beside no package.json: load them as ES
// modules whatever node's default for .js is.
const load = (name) => import('data:text/javascript,' +
	encodeURIComponent(fs.readFileSync(new URL(`../../www/${name}`, import.meta.url), 'utf8')));
const { DIRECTIONS, sectorOf, speedFor, intentFor, messageFor, Driver } = await load('drive.js');
const { vectorOf } = await load('keys.js');
const { socketUrl } = await load('socket.js');

test('eight 45-degree sectors, clockwise from straight up', () => {
	const cases = [
		[0, 1, 'forward'], [1, 1, 'forward-right'], [1, 0, 'steer-right'], [1, -1, 'backward-right'],
		[0, -1, 'backward'], [-1, -1, 'backward-left'], [-1, 0, 'steer-left'], [-1, 1, 'forward-left'],
		// just inside the forward sector's edges (22.5 degrees either side)
		[Math.sin(0.39), Math.cos(0.39), 'forward'], [-Math.sin(0.39), Math.cos(0.39), 'forward'],
		[Math.sin(0.40), Math.cos(0.40), 'forward-right'],
	];
	for (const [x, y, want] of cases)
		assert.equal(DIRECTIONS[sectorOf(x, y)], want, `${x},${y}`);
});

test('dead zone means stop; speed grows with distance from LOW_SPEED to max', () => {
	assert.equal(intentFor(0, 0, 15), null);
	assert.equal(intentFor(0.1, 0.1, 15), null);
	assert.deepEqual(intentFor(0, 0.2, 15), { command: 'forward', speed: 6 });
	assert.deepEqual(intentFor(0, 1, 15), { command: 'forward', speed: 15 });
	assert.deepEqual(intentFor(0, 3, 12), { command: 'forward', speed: 12 });
	let last = 0;
	for (let r = 0.2; r <= 1; r += 0.05) {
		const s = intentFor(r, r, 15).speed;
		assert.ok(s >= last, `speed ${s} at ${r}`);
		last = s;
	}
	// a max below LOW_SPEED caps everything
	assert.equal(speedFor(0, 3), 3);
	assert.equal(speedFor(1, 3), 3);
	assert.equal(speedFor(0.5, 10), 8);
});

test('keys: opposites cancel, two keys give a diagonal', () => {
	assert.deepEqual(vectorOf(new Set(['up', 'left'])), [-1, 1]);
	assert.deepEqual(vectorOf(new Set(['up', 'down'])), [0, 0]);
	assert.deepEqual(vectorOf(new Set(['right'])), [1, 0]);
	assert.equal(intentFor(...vectorOf(new Set(['up', 'left'])), 10).command, 'forward-left');
});

test('messages: the extended JSON, stop without speed', () => {
	assert.equal(messageFor({ command: 'forward-left', speed: 11 }), '{"command":"forward-left","speed":11}');
	assert.equal(messageFor(null), '{"command":"stop"}');
});

test('Driver: sends on change only, a heartbeat while moving, the last pressed input wins', async () => {
	const sent = [];
	const d = new Driver((t) => sent.push(t), { heartbeatMs: 20 });
	d.set('stick', { command: 'forward', speed: 8 });
	d.set('stick', { command: 'forward', speed: 8 });	// same: nothing new
	assert.deepEqual(sent, ['{"command":"forward","speed":8}']);
	await new Promise((r) => setTimeout(r, 110));
	assert.ok(sent.length >= 4, `heartbeats: ${sent.length}`);
	assert.ok(sent.every((t) => t === sent[0]));
	d.set('keys', { command: 'backward', speed: 5 });	// pressed later: wins
	assert.equal(sent.at(-1), '{"command":"backward","speed":5}');
	d.set('keys', null);					// let go: the stick again
	assert.equal(sent.at(-1), '{"command":"forward","speed":8}');
	let released = 0;
	d.onReset(() => released++);
	d.stopAll('test');
	assert.equal(sent.at(-1), '{"command":"stop"}');
	assert.equal(released, 1);
	const n = sent.length;
	await new Promise((r) => setTimeout(r, 60));
	assert.equal(sent.length, n, 'no heartbeat after stop');
});

test('socket URL: /ws beside the page, wss for https, the token passed on', () => {
	const loc = (href) => { const u = new URL(href); return { href: u.href, protocol: u.protocol, search: u.search }; };
	assert.equal(socketUrl(loc('http://car.local:8080/')), 'ws://car.local:8080/ws');
	assert.equal(socketUrl(loc('https://car.local/?token=a%20b&x=1')), 'wss://car.local/ws?token=a+b');
	assert.equal(socketUrl(loc('http://10.0.0.2:8080/index.html?token=s3cret#x')), 'ws://10.0.0.2:8080/ws?token=s3cret');
});

const { kindOf, untyped, echoOf } = await load('report.js');

test('back channel: a line is what its "type" says, and only with the keys that type needs', () => {
	const cases = [
		[{ type: 'link', link: 'up' }, 'link'],
		[{ type: 'link', link: 'down', reason: 'no route' }, 'link'],
		[{ type: 'echo', t: 1.2, byte: '0x1c', command: 'forward 12' }, 'echo'],
		[{ type: 'telemetry', t: 2.5, x: 0.75, y: 0, heading: 0, speed: 0.6 }, 'telemetry'],
		[{ type: 'telemetry', t: 2.5, byte: '0x18', command: 'forward 8', x: 0, y: 0 }, 'telemetry'],
		[{ type: 'role', 'ws-bridge': 'driving' }, 'role'],
		[{ type: 'record', state: 'on' }, 'record'],
		[{ type: 'route', name: 'r', part: 1, parts: 1, text: '' }, 'route'],
		// a type we do not know is ignored, whatever keys it carries
		[{ type: 'nonsense', x: 1, y: 2, byte: '0x18', link: 'up', 'ws-bridge': 'driving' }, null],
		[{ type: 'toString', link: 'up' }, null],
		[{ type: 7, link: 'up' }, null],
		[{ type: null, byte: '0x18' }, null],
		// a known type without what it needs
		[{ type: 'link', link: 'sideways' }, null],
		[{ type: 'echo', command: 'forward 8' }, null],
		[{ type: 'telemetry', x: 'a', y: 0 }, null],
		[{ type: 'role', 'ws-bridge': 'boss' }, null],
		// the keys of one type under another do not count
		[{ type: 'echo', link: 'up', byte: '0x00' }, 'echo'],
		// untyped old lines, by their keys (iracer(7) allows it)
		[{ link: 'up' }, 'link'],
		[{ 'ws-bridge': 'watching' }, 'role'],
		[{ t: 1, byte: '0x18', command: 'forward 8' }, 'echo'],
		[{ t: 1, x: 0, y: 0, heading: 0 }, 'telemetry'],
		[{ hello: 1 }, null], [[], null], [null, null], ['link', null], [7, null],
	];
	for (const [m, want] of cases)
		assert.equal(kindOf(m), want, JSON.stringify(m));
	assert.equal(untyped({ link: 'up' }), true);
	assert.equal(untyped({ type: 'link', link: 'up' }), false);
});

test('the round trip waits for the echo of what was sent: steer-left comes back as "steer-left N"', () => {
	assert.equal(echoOf({ command: 'steer-left', speed: 4 }), 'steer-left 4');
	assert.equal(echoOf({ command: 'forward-right', speed: 12 }), 'forward-right 12');
	assert.equal(echoOf({ command: 'stop' }), 'stop');
});
