// The WebSocket to ws-bridge: /ws next to the page, ws: or wss: like the page,
// the page's ?token= passed on, and reconnection with backoff.

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 5000];

export function socketUrl(loc = window.location, kept = null) {
	const url = new URL('ws', loc.href);
	url.protocol = loc.protocol === 'https:' ? 'wss:' : 'ws:';
	url.search = '';
	url.hash = '';
	const token = kept ?? new URLSearchParams(loc.search).get('token');
	if (token !== null)
		url.searchParams.set('token', token);
	return url.href;
}

// ?token= must not stay in the address bar (history, screenshots, a link
// passed on): it moves to this tab's sessionStorage, kept for reconnects and
// reloads, one per page path (two cars behind one proxy). Returns it or null.
export function keepToken(win = window) {
	const key = `iracer-token:${win.location.pathname}`;
	const url = new URL(win.location.href);
	const token = url.searchParams.get('token');
	if (token === null) {
		try {
			return win.sessionStorage.getItem(key);
		} catch {
			return null;
		}
	}
	try {
		win.sessionStorage.setItem(key, token);
	} catch {
		// no storage (private mode): the token lasts as long as this page
	}
	url.searchParams.delete('token');
	win.history.replaceState(win.history.state, '', url.href);
	return token;
}

// status(state, detail): 'connecting' | 'connected' | 'reconnecting' (detail: ms).
export function connect(url, { onStatus, onMessage, onClose }) {
	let ws = null;
	let failures = 0;
	let timer = null;

	function open() {
		timer = null;
		onStatus('connecting');
		ws = new WebSocket(url);
		ws.addEventListener('open', () => {
			failures = 0;
			onStatus('connected');
		});
		ws.addEventListener('message', (ev) => {
			if (typeof ev.data === 'string')
				for (const line of ev.data.split('\n'))
					if (line.trim())
						onMessage(line);
		});
		ws.addEventListener('close', (ev) => {
			ws = null;
			onClose(ev);
			const wait = BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)];
			onStatus('reconnecting', wait);
			timer = setTimeout(open, wait);
		});
	}
	open();

	return {
		get open() {
			return ws !== null && ws.readyState === WebSocket.OPEN;
		},
		// Returns false when the text could not be sent (not connected).
		send(text) {
			if (!ws || ws.readyState !== WebSocket.OPEN)
				return false;
			ws.send(text);
			return true;
		},
		// Try again now (a page coming back into view should not wait out a backoff).
		retry() {
			if (timer !== null) {
				clearTimeout(timer);
				open();
			}
		},
	};
}
