// The Record control. The page only asks: {"command":"record","action":"start"}
// (or "stop") goes to the car's side like any message, where json2cmd.jq turns
// it into "#record start" for iracer-record, which records what the car really
// got. The answers come back on the same socket, so no new HTTP endpoint:
//   {"type":"record","state":"on"|"off","note":...}   shown, with a running clock
//   {"type":"route","name":..,"part":1,"parts":N,"text":..}   joined into a file
// The finished route is offered as a download from a Blob URL.

const TICK_MS = 250;

export function clockText(ms) {
	const s = Math.max(0, Math.floor(ms / 1000));
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// root: the element to fill; send(text) -> bool (false: not connected).
export function createRecorder(root, send, { now = () => Date.now() } = {}) {
	root.insertAdjacentHTML('beforeend', `<button type="button" class="record-button" aria-pressed="false">
		<span class="record-dot" aria-hidden="true"></span><span class="record-label">Record</span></button>
		<span class="record-status" role="status" aria-live="polite"></span>
		<a class="record-download" hidden></a>`);
	const button = root.querySelector('.record-button');
	const label = root.querySelector('.record-label');
	const status = root.querySelector('.record-status');
	const link = root.querySelector('.record-download');
	let on = false, since = 0, timer = null, parts = null, url = null;

	function show() {
		root.dataset.recording = on ? 'yes' : 'no';
		button.setAttribute('aria-pressed', String(on));
		label.textContent = on ? 'Stop recording' : 'Record';
		if (on)
			status.textContent = `Recording ${clockText(now() - since)}`;
	}

	button.addEventListener('click', () => {
		const action = on ? 'stop' : 'start';
		if (!send(JSON.stringify({ command: 'record', action })))
			status.textContent = 'Not connected';
		else if (action === 'start')
			status.textContent = 'Asking the car to record…';
	});

	function offer(name, text) {
		if (url)
			URL.revokeObjectURL(url);
		url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
		link.href = url;
		link.download = name;
		link.textContent = `Download ${name}`;
		link.hidden = false;
		status.textContent = `Recorded ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} lines`;
	}

	function route(m) {
		if (typeof m.name !== 'string' || !/^[\w.-]+$/.test(m.name) || typeof m.text !== 'string' ||
			!Number.isInteger(m.part) || !Number.isInteger(m.parts) || m.part < 1 || m.part > m.parts)
			return;
		if (m.part === 1 || !parts || parts.name !== m.name)
			parts = { name: m.name, texts: [] };
		parts.texts[m.part - 1] = m.text;
		if (m.part === m.parts && parts.texts.length === m.parts) {
			offer(m.name, parts.texts.join(''));
			parts = null;
		}
	}

	// One parsed line from the back channel; others are not ours and are ignored.
	function report(m) {
		if (m.type === 'route')
			return route(m);
		if (m.type !== 'record' || (m.state !== 'on' && m.state !== 'off'))
			return;
		if (m.state === 'on' && !on) {
			since = now();
			timer = setInterval(show, TICK_MS);
		}
		if (m.state === 'off') {
			clearInterval(timer);
			timer = null;
			status.textContent = typeof m.note === 'string' ? `Stopped: ${m.note}` : 'Stopped';
		}
		on = m.state === 'on';
		show();
	}

	show();
	return { report, get recording() { return on; } };
}
