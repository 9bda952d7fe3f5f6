// What to send: from a stick position or held keys to one message, and the one
// Driver that decides when a message goes out (on change, plus a heartbeat).

// The car's eight directions, clockwise from straight ahead (the stick pushed up),
// by their names in iracer(7). Pushing the stick sideways turns the wheels only:
// "steer" is the one word for that (0x3Y/0x4Y), here and in every message.
export const DIRECTIONS = [
	'forward', 'forward-right', 'steer-right', 'backward-right',
	'backward', 'backward-left', 'steer-left', 'forward-left',
];

// The drive buttons, as data (the contract test sends each one's message), in
// screen and tab order, Stop in the middle where the thumb rests. The diagonal
// ones drive forward while turning: their labels say so, as "Left" alone would
// not (in iracer-cmd, left turns the wheels only).
export const BUTTONS = [
	{ command: 'forward-left', label: 'Fwd left', glyph: '↖', name: 'Forward left' },
	{ command: 'forward', label: 'Forward', glyph: '↑', name: 'Forward' },
	{ command: 'stop', label: 'Stop', glyph: '■', name: 'Stop', className: 'stop' },
	{ command: 'backward', label: 'Back', glyph: '↓', name: 'Backward' },
	{ command: 'forward-right', label: 'Fwd right', glyph: '↗', name: 'Forward right' },
];

export const DEAD_ZONE = 0.2;	// of the stick's travel: inside it means stop
export const LOW_SPEED = 6;	// speeds 1-5 do not move most cars, so the stick starts at 6
export const HEARTBEAT_MS = 100;	// iracer-send's watchdog (300 ms) stops the car without it

// Sector 0..7 of a direction (x right, y up): 45-degree sectors centred on the
// eight directions, so "forward" covers -22.5..22.5 degrees around straight up.
export function sectorOf(x, y) {
	const deg = Math.atan2(x, y) * 180 / Math.PI;	// 0 = up, clockwise positive
	return ((Math.round(deg / 45) % 8) + 8) % 8;
}

// Speed for t in [0, 1] past the dead zone: LOW_SPEED at the edge of the dead
// zone up to max at full travel (just max when max is below LOW_SPEED).
export function speedFor(t, max) {
	const low = Math.min(LOW_SPEED, max);
	const c = Math.min(1, Math.max(0, t));
	return Math.round(low + c * (max - low));
}

// Intent ({command, speed}) for a stick position, or null inside the dead zone.
// x, y: -1..1, y up; longer vectors count as full travel.
export function intentFor(x, y, max, dead = DEAD_ZONE) {
	const r = Math.hypot(x, y);
	if (!(r >= dead) || r === 0)
		return null;
	return { command: DIRECTIONS[sectorOf(x, y)], speed: speedFor((r - dead) / (1 - dead), max) };
}

// The JSON message for an intent; null means stop.
export function messageFor(intent) {
	return JSON.stringify(intent ? { command: intent.command, speed: intent.speed } : { command: 'stop' });
}

export function describe(intent) {
	return intent ? `${intent.command} ${intent.speed}` : 'stop';
}

// Several inputs (stick, keys, buttons, game pad) hold intents at once; the one
// pressed last wins, and when it lets go the next one still held takes over.
// Messages go out only when the winner changes, and every HEARTBEAT_MS while it
// moves, so a stuck page is noticed by the watchdog at the car's end.
export class Driver {
	constructor(send, { onChange = () => {}, heartbeatMs = HEARTBEAT_MS } = {}) {
		this.send = send;		// text -> bool (false: not connected)
		this.onChange = onChange;	// (intent or null, why) after a change
		this.heartbeatMs = heartbeatMs;
		this.held = new Map();		// source -> {intent, since}
		this.resets = [];		// callbacks that release the inputs
		this.current = null;
		this.lastText = messageFor(null);
		this.timer = null;
		this.seq = 0;
	}

	// Register a callback run by stopAll(): inputs drop what they hold.
	onReset(fn) {
		this.resets.push(fn);
	}

	// source holds intent (null: lets go).
	set(source, intent) {
		const prev = this.held.get(source);
		if (intent)
			this.held.set(source, { intent, since: prev ? prev.since : ++this.seq });
		else
			this.held.delete(source);
		this.update('input');
	}

	// Stop now and make every input let go (blur, hidden page, socket closed, Space).
	stopAll(why = 'stop') {
		this.held.clear();
		for (const fn of this.resets)
			fn(why);
		this.update(why, true);
	}

	winner() {
		let best = null;
		for (const h of this.held.values())
			if (!best || h.since > best.since)
				best = h;
		return best ? best.intent : null;
	}

	update(why, force = false) {
		const intent = this.winner();
		const text = messageFor(intent);
		if (text !== this.lastText || force) {
			this.lastText = text;
			this.current = intent;
			this.send(text);
			this.onChange(intent, why);
		}
		this.beat(intent !== null);
	}

	beat(moving) {
		if (moving && !this.timer)
			this.timer = setInterval(() => this.send(this.lastText), this.heartbeatMs);
		else if (!moving && this.timer) {
			clearInterval(this.timer);
			this.timer = null;
		}
	}
}
