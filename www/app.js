// Wires the page together: inputs -> Driver -> WebSocket, and what comes back
// (iracer-send's echo, iracer-sim's telemetry) -> status and map.

import { Driver, intentFor, describe } from './drive.js';
import { createJoystick } from './joystick.js';
import { attachKeys } from './keys.js';
import { attachGamepad } from './gamepad.js';
import { connect, keepToken, socketUrl } from './socket.js';
import { createMap } from './map.js';

// The buttons, as data (like the seed's): left/right mean forward-left/right,
// as the seed's did; a sideways push of the stick turns the wheels only.
// In screen (and tab) order, Stop in the middle where the thumb rests.
const BUTTONS = [
	{ command: 'forward-left', label: 'Left', glyph: '↖', name: 'Forward left' },
	{ command: 'forward', label: 'Forward', glyph: '↑', name: 'Forward' },
	{ command: 'stop', label: 'Stop', glyph: '■', name: 'Stop', className: 'stop' },
	{ command: 'backward', label: 'Back', glyph: '↓', name: 'Backward' },
	{ command: 'forward-right', label: 'Right', glyph: '↗', name: 'Forward right' },
];
const PULSE_MS = 400;	// a keyboard or screen reader "click" on a drive button

const $ = (id) => document.getElementById(id);

const slider = $('max-speed');
const maxSpeed = () => Number(slider.value);

let role = 'driving';	// or 'watching' (ws-bridge --exclusive)

const socket = connect(socketUrl(window.location, keepToken()), {
	onStatus: showConnection,
	onMessage: showReport,
	onClose: () => driver.stopAll('connection lost'),
});

const driver = new Driver((text) => socket.send(text), {
	onChange(intent) {
		$('sent').textContent = describe(intent) + (socket.open ? '' : ' (not connected)');
		stick.show(intent ? intent.command : null);
		document.body.dataset.moving = intent ? 'yes' : 'no';
	},
});

const stick = createJoystick($('joystick'), {
	onMove: (x, y) => driver.set('stick', intentFor(x, y, maxSpeed())),
	onRelease: () => driver.set('stick', null),
});
driver.onReset(() => stick.release());

const keys = attachKeys(window, {
	onVector: (x, y) => driver.set('keys', intentFor(x, y, maxSpeed())),
	onStop: () => driver.stopAll('stop key'),
});
driver.onReset(() => keys.release());

const pad = attachGamepad({
	onVector: (x, y) => driver.set('pad', intentFor(x, y, maxSpeed())),
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
	const source = `button-${b.command}`;
	const intent = () => ({ command: b.command, speed: maxSpeed() });
	let pulse = null;

	if (b.command === 'stop') {
		el.addEventListener('pointerdown', () => driver.stopAll('stop button'));
		el.addEventListener('click', () => driver.stopAll('stop button'));
		return el;
	}
	// Held with a pointer: drives until let go.
	el.addEventListener('pointerdown', (ev) => {
		if (ev.pointerType === 'mouse' && ev.button !== 0)
			return;
		el.setPointerCapture(ev.pointerId);
		el.classList.add('held');
		driver.set(source, intent());
	});
	for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'])
		el.addEventListener(type, () => {
			el.classList.remove('held');
			driver.set(source, null);
		});
	// Activated without a pointer (Enter, a screen reader): a short drive.
	el.addEventListener('click', (ev) => {
		if (ev.detail !== 0)
			return;
		driver.set(source, intent());
		clearTimeout(pulse);
		pulse = setTimeout(() => driver.set(source, null), PULSE_MS);
	});
	el.addEventListener('contextmenu', (ev) => ev.preventDefault());
	return el;
}
$('buttons').append(...BUTTONS.map(makeButton));

slider.addEventListener('input', () => {
	$('max-speed-out').value = slider.value;
});

// Anything that takes the driver's attention away stops the car.
window.addEventListener('blur', () => driver.stopAll('window lost focus'));
window.addEventListener('pagehide', () => driver.stopAll('page closed'));
document.addEventListener('visibilitychange', () => {
	if (document.visibilityState === 'hidden')
		driver.stopAll('page hidden');
	else
		socket.retry();
});

function showConnection(state, wait) {
	const el = $('conn');
	if (state !== 'connected')
		role = 'driving';
	el.dataset.state = state === 'connected' && role === 'watching' ? 'watching' : state;
	$('conn-text').textContent =
		state === 'connected' ? (role === 'watching' ? 'Watching: another browser drives' : 'Connected') :
		state === 'reconnecting' ? `Reconnecting in ${(wait / 1000).toFixed(wait < 1000 ? 2 : 0)} s` :
		'Connecting…';
	// A watcher's controls say why they do not drive.
	const watching = state === 'connected' && role === 'watching';
	document.body.dataset.role = watching ? 'watching' : 'driving';
	for (const id of ['joystick', 'buttons']) {
		// (an attribute: the joystick is an SVG element, which has no .title)
		if (watching)
			$(id).setAttribute('title', 'Watching: another browser drives; you take over when it leaves');
		else
			$(id).removeAttribute('title');
		$(id).toggleAttribute('aria-disabled', watching);
	}
}

const map = createMap($('map-svg'), $('map-text'));

// One line from the car side: {"link":"up"}, an iracer-send echo
// {"t":..,"byte":"0x18","command":"forward 8"}, or iracer-sim telemetry (x, y, heading).
function showReport(line) {
	let m;
	try {
		m = JSON.parse(line);
	} catch {
		return;
	}
	if (!m || typeof m !== 'object')
		return;
	// ws-bridge --exclusive: only the earliest browser drives, the others watch.
	if (m['ws-bridge'] === 'driving' || m['ws-bridge'] === 'watching') {
		role = m['ws-bridge'];
		showConnection('connected');
	}
	if (m.link === 'up' || m.link === 'down') {
		$('car').textContent = `link ${m.link}`;
		$('car').dataset.link = m.link;
	}
	if (typeof m.byte === 'string' && !('x' in m) && $('car').dataset.link !== 'up') {
		// iracer-send echoes a byte only when it went out: the link is up
		// (the page may have missed the {"link":"up"} line before it connected).
		$('car').textContent = 'link up';
		$('car').dataset.link = 'up';
	}
	if (typeof m.byte === 'string') {
		const got = `${m.byte}${m.command ? ' ' + m.command : ''}`;
		if ($('got').textContent !== got)
			$('got').textContent = got;
	}
	if (Number.isFinite(m.x) && Number.isFinite(m.y)) {
		const fig = $('map');
		if (fig.hidden) {
			fig.hidden = false;
			document.body.dataset.sim = 'yes';
		}
		map.update(m);
	}
}

// For the browser test and the curious: the page's state on window.
window.iracer = { driver, socket, map, report: showReport };
