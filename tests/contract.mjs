// The contract test's half in JavaScript (tests/90-contract.bats runs it).
//
//   node contract.mjs messages   every message the page can send, generated from
//                                www/ itself, with the byte iracer(7) says it gives:
//                                "MESSAGE<TAB>0xXY<TAB>MILLISECONDS or -"
//   node contract.mjs aliases    every name in iracer(7)'s byte table: "NAME<TAB>0xX"
//   node contract.mjs lines      JSON lines on stdin, checked against the back-channel
//                                lines of iracer(7); one "bad: ..." line per mismatch,
//                                exit 1 if any; "ok TYPE" per good line
//
// The expected side is read from man/iracer.7, never copied here, so a change to
// the page, the filter, the grammar or the contract that the others do not follow
// fails the test.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const top = new URL('../', import.meta.url);
const drive = await import(new URL('www/drive.js', top));
const keys = await import(new URL('www/keys.js', top));

// iracer(7), rendered as text (mandoc), so roff markup does not get in the way;
// wide, so that no example line is wrapped.
function contract() {
	const page = new URL('man/iracer.7', top).pathname;
	return execFileSync('mandoc', ['-Tascii', '-O', 'width=200', page], { encoding: 'utf8' }).replace(/.\x08/g, '');
}

// The byte table: direction name -> high nibble, aliases too.
function byteTable() {
	const names = new Map();
	for (const line of contract().split('\n')) {
		const m = line.match(/^\s+0x([0-8])\s+([a-z-]+)\s*(.*?)\s{2,}\S/);
		if (!m)
			continue;
		const nibble = parseInt(m[1], 16);
		names.set(m[2], nibble);
		for (const a of m[3].split(',').map((s) => s.trim()).filter(Boolean))
			names.set(a, nibble);
	}
	if (names.size < 9)
		throw new Error(`iracer(7): byte table not found (${names.size} names)`);
	return names;
}

// The documented back-channel lines: {"type":...} examples after "Lines back".
function documentedLines() {
	const text = contract();
	const part = text.slice(text.indexOf('Lines back to the browser'), text.indexOf('EXIT STATUS'));
	const shapes = [];
	for (const m of part.matchAll(/^\s+(\{"type":.*\})\s*$/gm)) {
		const src = m[1];
		const keys = [...src.matchAll(/"([a-z-]+)":/g)].map((k) => k[1]);
		const fixed = {};
		for (const f of src.matchAll(/"([a-z-]+)":"([a-z-]+)"/g))
			if (['type', 'link', 'ws-bridge'].includes(f[1]))
				fixed[f[1]] = f[2];
		shapes.push({ src, keys, fixed, open: src.includes('...') });
	}
	return shapes;
}

// Slider range from index.html: the speeds the page can send.
function speeds() {
	const html = fs.readFileSync(new URL('www/index.html', top), 'utf8');
	const tag = html.match(/<input[^>]*id="max-speed"[^>]*>/)[0];
	const attr = (a) => Number(tag.match(new RegExp(`${a}="(\\d+)"`))[1]);
	const out = [];
	for (let s = attr('min'); s <= attr('max'); s++)
		out.push(s);
	return out;
}

function messages() {
	const table = byteTable();
	const out = new Map();	// message -> [byte, ms]
	const add = (intent, ms = null) => {
		const text = drive.messageFor(intent);
		const m = JSON.parse(text);
		const byte = m.command === 'stop' ? 0 : table.get(m.command) * 16 + m.speed;
		if (Number.isNaN(byte))
			throw new Error(`${text}: not in iracer(7)'s byte table`);
		out.set(text, [byte, ms]);
	};
	add(null);
	// the stick: every direction, the dead zone's edge to full travel, every max speed
	for (const max of speeds())
		for (let k = 0; k < 8; k++)
			for (let r = drive.DEAD_ZONE; r <= 1.0001; r += 0.05) {
				const a = (k * 45) * Math.PI / 180;
				add(drive.intentFor(r * Math.sin(a), r * Math.cos(a), max));
			}
	// the keys: every combination of held directions
	const dirs = ['up', 'down', 'left', 'right'];
	for (const max of speeds())
		for (let mask = 0; mask < 16; mask++) {
			const held = new Set(dirs.filter((_, i) => mask & (1 << i)));
			add(drive.intentFor(...keys.vectorOf(held), max));
		}
	// the buttons, at every slider speed
	for (const b of drive.BUTTONS)
		for (const s of speeds())
			add(b.command === 'stop' ? null : { command: b.command, speed: s });
	// every direction the page knows is one the contract knows
	for (const d of drive.DIRECTIONS)
		if (!table.has(d))
			throw new Error(`DIRECTIONS: '${d}' is not in iracer(7)`);
	// the other forms of iracer(7): no speed, a duration, upper case
	for (const d of drive.DIRECTIONS) {
		const n = table.get(d);
		out.set(JSON.stringify({ command: d }), [n * 16 + 8, null]);
		out.set(JSON.stringify({ command: d, speed: 11, duration: 0.25 }), [n * 16 + 11, 250]);
		out.set(JSON.stringify({ command: d.toUpperCase(), speed: 15 }), [n * 16 + 15, null]);
	}
	for (const [text, [byte, ms]] of out)
		console.log(`${text}\t0x${byte.toString(16).padStart(2, '0')}\t${ms === null ? '-' : ms}`);
}

function aliases() {
	for (const [name, nibble] of byteTable())
		console.log(`${name}\t0x${nibble.toString(16)}`);
}

// One produced line against the documented ones.
function check(line, shapes) {
	let m;
	try {
		m = JSON.parse(line);
	} catch {
		return `not JSON: ${line}`;
	}
	const keys = Object.keys(m);
	if (keys[0] !== 'type')
		return `"type" is not the first key: ${line}`;
	const cands = shapes.filter((s) => s.fixed.type === m.type);
	if (!cands.length)
		return `type "${m.type}" is not in iracer(7): ${line}`;
	for (const s of cands) {
		if (s.open)
			return null;	// {"type":"record",...}: iracer-record(1) has the keys
		if (keys.join() !== s.keys.join())
			continue;
		if (Object.entries(s.fixed).some(([k, v]) => m[k] !== v))
			continue;
		const bad = keys.find((k) => !valueOk(k, m[k]));
		if (bad)
			return `"${bad}": ${JSON.stringify(m[bad])} is not what iracer(7) says: ${line}`;
		return null;
	}
	return `keys ${keys.join(',')} match no "${m.type}" line of iracer(7): ${line}`;
}

function valueOk(key, v) {
	switch (key) {
	case 't': case 'x': case 'y': case 'heading': case 'speed':
		return typeof v === 'number' && Number.isFinite(v);
	case 'byte':
		return typeof v === 'string' && /^0x[0-9a-f]{2}$/.test(v);
	default:
		return typeof v === 'string' && v.length > 0;
	}
}

function lines() {
	const shapes = documentedLines();
	let bad = 0;
	for (const line of fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
		const why = check(line, shapes);
		if (why) {
			console.log(`bad: ${why}`);
			bad++;
		} else {
			console.log(`ok ${JSON.parse(line).type}`);
		}
	}
	process.exit(bad ? 1 : 0);
}

({ messages, aliases, lines })[process.argv[2]]();
