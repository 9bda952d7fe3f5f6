// What a line of the back channel is (iracer(7), "Lines back to the browser"),
// decided by its "type" alone. A typed line of a type we do not know, or one
// that lacks the keys its type needs, is ignored whatever other keys it has.
// Lines written before "type" existed have no "type" key at all; iracer(7)
// lets readers take those by their keys, and so do we, only for them.

const KINDS = {
	link: (m) => m.link === 'up' || m.link === 'down',
	echo: (m) => typeof m.byte === 'string',
	telemetry: (m) => Number.isFinite(m.x) && Number.isFinite(m.y),
	role: (m) => m['ws-bridge'] === 'driving' || m['ws-bridge'] === 'watching',
	record: () => true,
	route: () => true,
};

// The type an untyped (old) line would have had.
function untypedKind(m) {
	if ('ws-bridge' in m)
		return 'role';
	if ('link' in m)
		return 'link';
	if ('x' in m && 'y' in m)
		return 'telemetry';
	return 'byte' in m ? 'echo' : null;
}

// One parsed line: 'link', 'echo', 'telemetry', 'role', 'record', 'route' or null.
export function kindOf(m) {
	if (!m || typeof m !== 'object' || Array.isArray(m))
		return null;
	const kind = Object.hasOwn(m, 'type') ? m.type : untypedKind(m);
	return typeof kind === 'string' && Object.hasOwn(KINDS, kind) && KINDS[kind](m) ? kind : null;
}

// Whether a line is one of the untyped old ones.
export const untyped = (m) => !Object.hasOwn(m, 'type');

// The echo names the byte as iracer-cmd does ("steer-left 4", "stop"): the
// command a page message should come back as.
export const echoOf = (m) => m.command === 'stop' ? 'stop' : `${m.command} ${m.speed}`;
