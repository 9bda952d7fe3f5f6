// Wires the page together: inputs -> Driver -> WebSocket, and what comes back
// (iracer-send's echo and link state, iracer-sim's telemetry, ws-bridge's role
// notices) -> status and map.
//
// The page never shows a stale state: every figure is either current or
// "unknown", and the controls drive only while the page is connected, is the
// driver and the car's link is not known to be down.

import { BUTTONS, Driver, intentFor, describe } from './drive.js';
import { createJoystick } from './joystick.js';
import { attachKeys } from './keys.js';
import { attachGamepad } from './gamepad.js';
import { connect, keepToken, socketUrl } from './socket.js';
import { createMap } from './map.js';
import { createRecorder } from './record.js';
import { echoOf, kindOf, untyped } from './report.js';

const PULSE_MS = 400;	// a keyboard or screen reader "click" on a drive button
const TICK_MS = 250;	// ages and the retry countdown
const BUZZ_TURN_MS = 12;	// navigator.vibrate on a change of direction...
const BUZZ_STOP_MS = 40;	// ...and on a stop

const $ = (id) => document.getElementById(id);
const now = () => performance.now();

const slider = $('max-speed');
const maxSpeed = () => Number(slider.value);

// What the page knows, each part current or marked unknown.
const state = {
	conn: 'connecting',	// 'connecting' | 'connected' | 'reconnecting'
	retryAt: 0,		// when reconnecting: performance.now() of the next try
	dropped: '',		// why the connection ended
	role: 'driving',	// or 'watching' (ws-bridge --exclusive)
	link: 'unknown',	// the car's link: 'up' | 'down' | 'unknown'
	linkWhy: '',		// iracer-send's reason for "down"
	got: null,		// the last byte the car side reported, "0x1c forward 12"
	gotAt: 0,
	rtt: null,		// ms from a send to the car's echo of its byte
	telemetry: false,	// the map shows telemetry received on this connection
};

const live = () => state.conn === 'connected' && state.role === 'driving' && state.link !== 'down';

// --- sending, with the round trip measured on each new command ---
let lastSent = '';
let pending = null;	// {command: as iracer-send echoes it, t0}

function send(text) {
	if (!socket || !socket.send(text))
		return false;
	if (text !== lastSent) {
		pending = { command: echoOf(JSON.parse(text)), t0: now() };
	}
	lastSent = text;
	return true;
}

let socket = null;	// connected last, once everything it calls exists

let lastCommand = null;
const driver = new Driver(send, {
	onChange(intent) {
		const command = intent ? intent.command : null;
		stick.show(command);
		document.body.dataset.moving = intent ? 'yes' : 'no';
		if (command !== lastCommand) {
			// haptics and the screen reader: only on a change of direction or a stop
			if (command || lastCommand)
				buzz(command ? BUZZ_TURN_MS : BUZZ_STOP_MS);
			say(command ? `Driving ${command.replace('-', ' ')}` : 'Stopped');
			lastCommand = command;
		}
		lightButtons();
		render();
	},
});

// Each input holds a maker of its intent, so a new max speed applies at once.
const makers = new Map();	// source -> () => intent or null

function hold(source, make) {
	if (make && live())
		makers.set(source, make);
	else
		makers.delete(source);
	driver.set(source, makers.has(source) ? make() : null);
	lightButtons();
}
driver.onReset(() => makers.clear());

const stick = createJoystick($('joystick'), {
	onMove: (x, y) => hold('stick', () => intentFor(x, y, maxSpeed())),
	onRelease: () => hold('stick', null),
});
driver.onReset(() => stick.release());

const keys = attachKeys(window, {
	onVector: (x, y) => hold('keys', x || y ? () => intentFor(x, y, maxSpeed()) : null),
	onStop: () => driver.stopAll('stop key'),
});
driver.onReset(() => keys.release());

const pad = attachGamepad({
	onVector: (x, y) => hold('pad', x || y ? () => intentFor(x, y, maxSpeed()) : null),
	onStop: () => driver.stopAll('game pad'),
});
driver.onReset(() => pad.release());

function makeButton(b) {
	const el = document.createElement('button');
	el.type = 'button';
	el.className = `drive ${b.className || ''}`;
	el.dataset.command = b.command;
	el.setAttribute('aria-label', b.name);
	el.innerHTML = `<span class="glyph" aria-hidden="true"></span><span class="label"></span>`;
	el.querySelector('.glyph').textContent = b.glyph;
	el.querySelector('.label').textContent = b.label;
	el.addEventListener('contextmenu', (ev) => ev.preventDefault());
	if (b.command === 'stop') {
		el.addEventListener('pointerdown', () => driver.stopAll('stop button'));
		el.addEventListener('click', () => driver.stopAll('stop button'));
		return el;
	}
	const source = `button-${b.command}`;
	el.dataset.source = source;
	el.setAttribute('aria-pressed', 'false');
	const make = () => ({ command: b.command, speed: maxSpeed() });
	let pulse = null;

	// Held with a pointer: drives until let go.
	el.addEventListener('pointerdown', (ev) => {
		if (ev.pointerType === 'mouse' && ev.button !== 0)
			return;
		el.setPointerCapture(ev.pointerId);
		hold(source, make);
	});
	for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'])
		el.addEventListener(type, () => hold(source, null));
	// Activated without a pointer (Enter, a screen reader): a short drive.
	el.addEventListener('click', (ev) => {
		if (ev.detail !== 0)
			return;
		hold(source, make);
		clearTimeout(pulse);
		pulse = setTimeout(() => hold(source, null), PULSE_MS);
	});
	return el;
}
const buttons = BUTTONS.map(makeButton);
$('buttons').append(...buttons);

// A button is lit exactly while the driver holds its intent: never after a stop.
function lightButtons() {
	for (const el of buttons) {
		if (!el.dataset.source)
			continue;
		const on = driver.held.has(el.dataset.source);
		el.classList.toggle('held', on);
		el.setAttribute('aria-pressed', String(on));
	}
}

slider.addEventListener('input', () => {
	$('max-speed-out').value = slider.value;
	for (const [source, make] of makers)
		driver.set(source, make());
});

// Anything that takes the driver's attention away stops the car.
window.addEventListener('blur', () => driver.stopAll('window lost focus'));
window.addEventListener('pagehide', () => driver.stopAll('page closed'));
document.addEventListener('visibilitychange', () => {
	if (document.visibilityState === 'hidden') {
		driver.stopAll('page hidden');
	} else {
		if (socket)
			socket.retry();
		wakeLock(state.conn === 'connected');
	}
});
// No pinch or double-tap zoom (CSS touch-action does it in Chromium; this is Safari's).
for (const type of ['gesturestart', 'gesturechange', 'dblclick'])
	document.addEventListener(type, (ev) => ev.preventDefault(), { passive: false });

const map = createMap($('map-svg'), $('map-text'));
const recorder = createRecorder($('record'), (text) => socket !== null && socket.send(text));

// --- the WebSocket's state ---
function connection(status, wait) {
	const was = state.conn;
	state.conn = status;
	if (status === 'connected') {
		// a fresh start: what the car side says from now on (its kept lines first)
		Object.assign(state, { role: 'driving', link: 'unknown', linkWhy: '', got: null, rtt: null, telemetry: false });
		lastSent = '';
		pending = null;
		map.reset('waiting for telemetry');
		$('map').dataset.empty = 'yes';
	} else if (was === 'connected' || status === 'reconnecting') {
		Object.assign(state, { link: 'unknown', got: null, rtt: null });
		map.stale('unknown\n(not connected)');
		if (status === 'reconnecting')
			state.retryAt = now() + wait;
	}
	wakeLock(status === 'connected');
	settle();
}

// After any change of state: inert controls let go of everything.
function settle() {
	if (!live() && (driver.held.size || makers.size || driver.current))
		driver.stopAll(why());
	lightButtons();
	render();
}

function why() {
	if (state.conn === 'connecting')
		return 'connecting…';
	if (state.conn === 'reconnecting') {
		const left = Math.max(0, state.retryAt - now());
		return `not connected (${state.dropped || 'connection lost'}); ` +
			(left > 0 ? `retry in ${Math.ceil(left / 1000)} s` : 'retrying');
	}
	if (state.role === 'watching')
		return 'watching: another browser drives; the car is yours when it leaves';
	if (state.link === 'down')
		return `car link down${state.linkWhy ? `: ${state.linkWhy}` : ''}`;
	return '';
}

function setText(id, text) {
	const el = $(id);
	if (el.textContent !== text)
		el.textContent = text;
}

function age(ms) {
	const s = Math.floor(ms / 1000);
	return s < 1 ? '' : s < 120 ? `${s} s ago` : `${Math.floor(s / 60)} min ago`;
}

// Every figure from the state; only changed text is written.
function render() {
	const body = document.body;
	const connected = state.conn === 'connected';
	let conn = 'Connecting…', look = state.conn;
	// short: a phone has room for about 20 characters here; #why has the rest
	if (state.conn === 'reconnecting') {
		conn = 'Not connected';
	} else if (connected && state.role === 'watching') {
		conn = 'Watching';
		look = 'watching';
	} else if (connected && state.link === 'down') {
		conn = 'Car unreachable';
		look = 'linkdown';
	} else if (connected) {
		conn = 'Connected';
	}
	$('conn').dataset.state = look;
	setText('conn-text', conn);
	body.dataset.live = live() ? 'yes' : 'no';
	setText('why', live() ? '' : `Controls off: ${why()}`);

	setText('sent', !connected ? 'unknown' :
		state.role === 'watching' ? '– (watching)' : describe(driver.current));
	const car = $('car');
	car.dataset.link = connected ? state.link : 'unknown';
	setText('car', !connected ? 'unknown' :
		state.link === 'up' ? 'link up' :
		state.link === 'down' ? `link down${state.linkWhy ? `: ${state.linkWhy}` : ''}` : 'link unknown');
	const got = $('got');
	got.dataset.age = state.got ? 'known' : 'unknown';
	setText('got-byte', state.got || (connected ? 'nothing yet' : 'unknown'));
	setText('got-age', state.got ? age(now() - state.gotAt) : '');
	setText('rtt', connected && state.rtt !== null ? `${Math.round(state.rtt)} ms` : '–');
}
setInterval(render, TICK_MS);

// One line from the car side, by its type (report.js, iracer(7)).
function showReport(line) {
	let m;
	try {
		m = JSON.parse(line);
	} catch {
		return;
	}
	const kind = kindOf(m);
	if (kind === 'record' || kind === 'route')
		recorder.report(m);
	if (kind === 'role') {
		const was = state.role;
		state.role = m['ws-bridge'];
		if (was === 'watching' && state.role === 'driving') {
			say('You drive now');
			buzz(BUZZ_TURN_MS);
		}
	}
	if (kind === 'link') {
		state.link = m.link;
		state.linkWhy = m.link === 'down' && typeof m.reason === 'string' ? m.reason : '';
	}
	// a telemetry line caused by a received byte names it too
	if ((kind === 'echo' || kind === 'telemetry') && typeof m.byte === 'string') {
		// An old-style echo means the byte went out: the link is up (a page
		// opened late missed {"link":"up"}). Typed pipelines say so themselves.
		if (kind === 'echo' && untyped(m) && state.link === 'unknown')
			state.link = 'up';
		state.got = `${m.byte}${m.command ? ' ' + m.command : ''}`;
		state.gotAt = now();
		if (kind === 'echo' && pending && m.command === pending.command) {
			state.rtt = now() - pending.t0;
			pending = null;
		}
	}
	if (kind === 'telemetry') {
		if (!state.telemetry) {
			state.telemetry = true;
			delete $('map').dataset.empty;
			document.body.dataset.sim = 'yes';
		}
		map.update(m);
	}
	settle();
}

// --- phone features ---
function buzz(ms) {
	if (typeof navigator.vibrate === 'function')
		navigator.vibrate(ms);
}

function say(text) {
	setText('say', text);
}

// The screen stays on while connected (the Screen Wake Lock API, where there is one).
let lock = null, locking = false;
async function wakeLock(on) {
	if (!navigator.wakeLock)
		return;
	if (on && !lock && !locking && document.visibilityState === 'visible') {
		locking = true;
		try {
			lock = await navigator.wakeLock.request('screen');
			lock.addEventListener('release', () => { lock = null; });
		} catch {
			lock = null;
		}
		locking = false;
		if (state.conn !== 'connected')
			wakeLock(false);
	} else if (!on && lock) {
		const l = lock;
		lock = null;
		l.release().catch(() => {});
	}
}

// Full screen, and landscape where the browser lets a page lock it.
const fs = $('fullscreen');
if (!document.fullscreenEnabled || !document.documentElement.requestFullscreen)
	fs.hidden = true;
fs.addEventListener('click', async () => {
	if (document.fullscreenElement) {
		await document.exitFullscreen().catch(() => {});
		return;
	}
	try {
		await document.documentElement.requestFullscreen({ navigationUI: 'hide' });
	} catch {
		return;
	}
	try {
		await screen.orientation.lock('landscape');
	} catch {
		// not allowed here (desktop, iOS): the page works either way round
	}
});
document.addEventListener('fullscreenchange', () => {
	fs.setAttribute('aria-pressed', String(!!document.fullscreenElement));
});

// Installable and opens offline (a service worker needs a secure context: https or localhost).
if ('serviceWorker' in navigator && window.isSecureContext)
	navigator.serviceWorker.register('sw.js').catch(() => {});

socket = connect(socketUrl(window.location, keepToken()), {
	onStatus: connection,
	onMessage: showReport,
	// why the connection ended; a failed retry keeps the reason of the drop
	onClose: (ev) => {
		if (state.conn === 'connected' || !state.dropped)
			state.dropped = ev && ev.code === 1001 ? 'the server went away' :
				ev && ev.reason ? ev.reason : state.conn === 'connected' ? 'connection lost' : 'cannot connect';
	},
});
render();

// For the browser test and the curious: the page's state on window.
window.iracer = { driver, socket, map, state, report: showReport };
