// The service worker: the page installs to the home screen and opens offline,
// where it shows "not connected". Network first, so a new version of the page
// is used as soon as the server has it; the cache is only the fallback.
// Browsers run it in a secure context only: https (ws-bridge --tls-cert) or localhost.

const CACHE = 'iracer-2';
const FILES = [
	'./', 'index.html', 'style.css', 'app.js', 'drive.js', 'joystick.js', 'keys.js', 'gamepad.js',
	'socket.js', 'map.js', 'record.js', 'record.css', 'report.js', 'manifest.webmanifest', 'icon.svg',
	'icon-192.png', 'icon-512.png',
];
const NETWORK_MS = 3000;	// a network that hangs is no network

self.addEventListener('install', (ev) => {
	// Each file on its own: one missing file must not stop the install.
	ev.waitUntil(caches.open(CACHE)
		.then((c) => Promise.all(FILES.map((f) => c.add(f).catch(() => {}))))
		.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
	ev.waitUntil(caches.keys()
		.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
		.then(() => self.clients.claim()));
});

function fromNetwork(req) {
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('timeout')), NETWORK_MS);
		fetch(req).then((r) => {
			clearTimeout(t);
			resolve(r);
		}, (e) => {
			clearTimeout(t);
			reject(e);
		});
	});
}

self.addEventListener('fetch', (ev) => {
	const req = ev.request;
	const url = new URL(req.url);
	if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.endsWith('/ws'))
		return;
	ev.respondWith(fromNetwork(req).then((res) => {
		if (res.ok) {
			// kept without the query (?token=...): the secret stays out of the cache's keys
			const key = new URL(url.pathname, url.origin).href;
			const copy = res.clone();
			caches.open(CACHE).then((c) => c.put(key, copy));
		}
		return res;
	}).catch(() => caches.match(req, { ignoreSearch: true })
		.then((hit) => hit || (req.mode === 'navigate' ? caches.match('./', { ignoreSearch: true }) : null))
		.then((hit) => hit || Response.error())));
});
