// The page as a phone uses it (issue 11): real headless Chromium (Debian's
// /usr/bin/chromium over CDP by playwright-core), a phone viewport, touch through
// CDP's Input.dispatchTouchEvent, against `iracer-drive --sim` and against a
// ws-bridge whose stdin this test writes (the car side's typed lines).
//
//   node phone.test.mjs [--shots DIR] [--docs]   (IRACER_BIN picks the programs)
//
// Prints TAP; exits 0 when every check passes. --docs copies the watcher and
// "link down" screenshots to docs/.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, crashed, Drive, failures, finish, freePort, launchChromium, ok, shotsDir, sleep, top, until } from './harness.mjs';

const args = process.argv.slice(2);
const shots = shotsDir(args);
const PHONE = { viewport: { width: 375, height: 667 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };

const figures = {};

// --- a ws-bridge serving the page, its stdin written by this test (the car side) ---
async function fakeCarSide(extra = []) {
	const port = await freePort();
	const proc = spawn(path.join(bin, 'ws-bridge'), ['-w', path.join(top, 'www'), '-p', String(port),
		'--keep', 'link', '--keep', 'echo', '--keep', 'telemetry', ...extra],
	{ stdio: ['pipe', 'ignore', 'pipe'] });
	let err = '';
	proc.stderr.on('data', (d) => { err += d; });
	if (!await until(() => err.includes('listening on'), 10000))
		throw new Error(`ws-bridge did not start: ${err}`);
	const exited = new Promise((r) => proc.on('exit', r));
	return {
		url: `http://127.0.0.1:${port}/`,
		line(obj) {
			proc.stdin.write(JSON.stringify(obj) + '\n');
		},
		async stop() {
			proc.stdin.end();
			proc.kill('SIGTERM');
			await Promise.race([exited, sleep(5000)]);
		},
	};
}

// The phone APIs, stubbed so the test sees every call (headless has no vibrator,
// and fullscreen and the wake lock need a real screen).
function stubPhoneApis() {
	window.__calls = [];
	const rec = (...a) => window.__calls.push(a);
	navigator.vibrate = (p) => { rec('vibrate', p); return true; };
	Object.defineProperty(navigator, 'wakeLock', {
		configurable: true,
		value: {
			async request(type) {
				rec('wakeLock.request', type);
				const s = new EventTarget();
				s.release = async () => { rec('wakeLock.release'); };
				return s;
			},
		},
	});
	Object.defineProperty(document, 'fullscreenEnabled', { configurable: true, get: () => true });
	Element.prototype.requestFullscreen = async function () { rec('requestFullscreen', this.tagName); };
	if (screen.orientation)
		screen.orientation.lock = async (o) => { rec('orientation.lock', o); };
}

const calls = (page, name) => page.evaluate((k) => window.__calls.filter((c) => c[0] === k), name);
const text = (page) => page.evaluate(() => document.body.innerText);
const hi = (b) => b >> 4, lo = (b) => b & 15;
const hex = (b) => `0x${b.toString(16).padStart(2, '0')}`;

async function openPage(ctx, url, state = 'connected') {
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	await page.goto(url);
	if (state)
		await page.waitForSelector(`#conn[data-state="${state}"]`, { timeout: 10000 });
	return page;
}

async function centre(page, sel) {
	const b = await page.locator(sel).boundingBox();
	return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

// A finger (CDP touch) down on a selector; returns a function that lifts it.
async function press(page, cdp, sel) {
	const p = await centre(page, sel);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: p.x, y: p.y, id: 1 }] });
	return () => cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

// What lights up: held buttons, pressed buttons, lit wedges of the stick.
const lit = (page) => page.evaluate(() => ({
	held: document.querySelectorAll('#buttons button.held').length,
	pressed: document.querySelectorAll('#buttons [aria-pressed="true"]').length,
	wedges: document.querySelectorAll('#sectors path.on').length,
}));
const nothingLit = (l) => l.held === 0 && l.pressed === 0 && l.wedges === 0;

// 1. Driving by touch on a phone: controls, haptics, wake lock, fullscreen, the
// slider, zoom, target sizes; then the pipeline is killed under the page.
async function phoneDriving(chrome) {
	const drive = await new Drive().start();
	const ctx = await chrome.browser.newContext(PHONE);
	await ctx.addInitScript(stubPhoneApis);
	const page = await openPage(ctx, drive.url);
	const cdp = await ctx.newCDPSession(page);

	ok((await calls(page, 'wakeLock.request')).length === 1, 'connected: the page asks for a screen wake lock');

	// every target at least 44 px both ways
	const small = await page.evaluate(() => [...document.querySelectorAll('button:not([hidden]), input, #joystick')]
		.map((el) => { const r = el.getBoundingClientRect(); return { id: el.id || el.dataset.command, w: r.width, h: r.height }; })
		.filter((r) => r.w < 44 || r.h < 44));
	ok(small.length === 0, 'every button, the slider and the stick are at least 44 x 44 px', JSON.stringify(small));

	// the fullscreen button: fullscreen, then a landscape lock
	const up = await press(page, cdp, '#fullscreen');
	await up();
	const fsCalls = await until(async () => {
		const f = await calls(page, 'requestFullscreen'), o = await calls(page, 'orientation.lock');
		return f.length && o.length ? [f, o] : null;
	}, 2000);
	ok(fsCalls && fsCalls[1][0][1] === 'landscape', 'the fullscreen button asks for fullscreen, then locks landscape', JSON.stringify(fsCalls));

	// hold Forward with a finger: the car gets forward 12, the button is pressed and announced
	let i = drive.mark();
	let lift = await press(page, cdp, '#buttons [data-command="forward"]');
	const fwd = await drive.waitByte(i, (b) => b === 0x1c);
	let l = await lit(page);
	const said = await page.locator('#say').textContent();
	ok(fwd && l.held === 1 && l.pressed === 1 && said === 'Driving forward',
		'holding Forward by touch drives forward 12 (0x1c), aria-pressed, the live region says "Driving forward"', JSON.stringify({ l, said }));
	ok((await calls(page, 'vibrate')).length >= 1, 'a change of direction vibrates');

	// the slider applies to the held command at once
	const delays = [];
	for (const [v, want] of [[5, 0x15], [9, 0x19], [15, 0x1f], [7, 0x17], [12, 0x1c]]) {
		i = drive.mark();
		const t0 = Date.now();
		await page.evaluate((x) => {
			const s = document.getElementById('max-speed');
			s.value = String(x);
			s.dispatchEvent(new Event('input', { bubbles: true }));
		}, v);
		const e = await drive.waitByte(i, (b) => b === want, 1000);
		delays.push(e ? e.at - t0 : null);
	}
	figures.slider_to_car_ms = delays;
	// every change arrives; the median within the bound (a loaded test machine adds its own delays)
	const median = delays.every((d) => d !== null) ? [...delays].sort((a, b) => a - b)[2] : null;
	ok(median !== null && median < 150, 'the slider changes the held command\'s speed at the car within 150 ms (median of 5)', `${delays.join(', ')} ms`);
	// the same with two fingers: one holds Forward, the other drags the slider down
	const fb = await centre(page, '#buttons [data-command="forward"]');
	const sb = await page.locator('#max-speed').boundingBox();
	const sy = sb.y + sb.height / 2, sx0 = sb.x + sb.width * (11 / 14), sx1 = sb.x + sb.width * 0.25;
	await lift();
	i = drive.mark();
	const f1 = { x: fb.x, y: fb.y, id: 1 };
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [f1] });
	await drive.waitByte(i, (b) => b === 0x1c);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [f1, { x: sx0, y: sy, id: 2 }] });
	for (let k = 1; k <= 8; k++)
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [f1, { x: sx0 + (sx1 - sx0) * k / 8, y: sy, id: 2 }] });
	const two = await drive.waitByte(i, (b) => hi(b) === 1 && lo(b) < 12 && lo(b) > 0, 1000);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [f1] });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	ok(two, 'two fingers: holding Forward while dragging the slider slows the held command', two ? hex(two.byte) : '');
	lift = await press(page, cdp, '#buttons [data-command="forward"]');
	await page.evaluate(() => {
		const s = document.getElementById('max-speed');
		s.value = '12';
		s.dispatchEvent(new Event('input'));
	});
	const rtt = await until(() => page.evaluate(() => window.iracer.state.rtt), 2000);
	figures.round_trip_ms = rtt;
	ok(rtt > 0 && /^\d+ ms$/.test(await page.locator('#rtt').textContent()), 'the round trip (send to the car\'s echo) is on the page', `${rtt && rtt.toFixed(1)} ms`);

	// Stop while the finger still holds Forward: the car stops, nothing stays lit
	const vib = (await calls(page, 'vibrate')).length;
	i = drive.mark();
	const stopUp = await page.evaluate(() => {
		const b = document.querySelector('#buttons .stop');
		const ev = new MouseEvent('contextmenu', { bubbles: true, cancelable: true });
		b.dispatchEvent(ev);
		b.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch' }));
		return ev.defaultPrevented;
	});
	const stopped = await drive.waitByte(i, (b) => b === 0, 1000);
	l = await lit(page);
	ok(stopped && nothingLit(l), 'Stop while Forward is still held: 0x00, and no button or wedge stays lit', JSON.stringify(l));
	ok(stopUp, 'Stop suppresses the context menu (a long press)');
	ok((await calls(page, 'vibrate')).length > vib, 'a stop vibrates');
	await lift();

	// a wheels-only command: the stick straight left gives steer-left, whose echo
	// reads "steer-left N"; the round trip must be measured for it too
	{
		const sb2 = await page.locator('#joystick').boundingBox();
		const x0 = sb2.x + sb2.width / 2, y0 = sb2.y + sb2.height / 2, rr = Math.min(sb2.width, sb2.height) / 2;
		await page.evaluate(() => { window.iracer.state.rtt = null; });
		i = drive.mark();
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }] });
		for (let k = 1; k <= 6; k++)
			await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 - k * rr * 0.12, y: y0 }] });
		const steer = await drive.waitByte(i, (b) => hi(b) === 3, 1000);
		const rttSteer = await until(() => page.evaluate(() => window.iracer.state.rtt), 2000);
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
		ok(steer && rttSteer > 0, 'the round trip is measured for steer-left too (its echo reads "steer-left N")',
			`${steer ? hex(steer.byte) : 'no byte'} ${rttSteer && rttSteer.toFixed(1)} ms`);
		await drive.waitByte(drive.mark(), (b) => b === 0, 1000);
	}

	// pinch and double tap on every panel leave the scale at 1
	const scales = {};
	for (const sel of ['.info', '.speed', '#joystick', '#buttons', '.status']) {
		const p = await centre(page, sel);
		// two fingers spreading apart (the old page zoomed to 1.7x and 5x on this)
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: p.x - 10, y: p.y, id: 1 }, { x: p.x + 10, y: p.y, id: 2 }] });
		for (let k = 1; k <= 10; k++)
			await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: p.x - 10 - k * 8, y: p.y, id: 1 }, { x: p.x + 10 + k * 8, y: p.y, id: 2 }] });
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
		await cdp.send('Input.synthesizeTapGesture', { x: p.x, y: p.y, tapCount: 2, gestureSourceType: 'touch' });
		await sleep(200);
		scales[sel] = await page.evaluate(() => window.visualViewport.scale);
	}
	ok(Object.values(scales).every((s) => s === 1), 'a two-finger pinch or a double tap on any panel leaves the scale at 1', JSON.stringify(scales));
	// (the taps above may have driven or stopped: start from a stop)
	await page.evaluate(() => window.iracer.driver.stopAll('test'));

	// the stick by touch, then the pipeline killed under the finger
	const jb = await page.locator('#joystick').boundingBox();
	const cx = jb.x + jb.width / 2, cy = jb.y + jb.height / 2, r = Math.min(jb.width, jb.height) / 2;
	i = drive.mark();
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: cx, y: cy }] });
	for (let k = 1; k <= 6; k++)
		await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: cx + k * r * 0.07, y: cy - k * r * 0.07 }] });
	await drive.waitByte(i, (b) => hi(b) === 6);
	await until(async () => (await text(page)).includes('link up'), 2000);
	await sleep(600);
	await page.screenshot({ path: path.join(shots, 'phone-driving.png') });
	const t0 = Date.now();
	await drive.stop();
	const gone = await until(async () => {
		const [t, li] = [await text(page), await lit(page)];
		return !t.includes('link up') && nothingLit(li) ? { t, li } : null;
	}, 1000);
	ok(gone, 'the pipeline killed: within 1 s no text says "link up" and nothing is lit', gone ? `${Date.now() - t0} ms` : JSON.stringify(await lit(page)));
	const after = await page.evaluate(() => ({
		car: document.getElementById('car').textContent, got: document.getElementById('got').textContent,
		why: document.getElementById('why').textContent, live: document.body.dataset.live,
		map: document.getElementById('map').dataset.stale, caption: document.getElementById('map-text').textContent,
	}));
	ok(after.car === 'unknown' && after.got.startsWith('unknown') && after.live === 'no' &&
		after.map === 'yes' && /unknown/.test(after.caption) && /^Controls off: not connected \((connection lost|the server went away)\); retry/.test(after.why),
	'after the drop: car, byte and map say unknown; the controls are off and say why', JSON.stringify(after));
	// a finger still on the stick lights nothing, a new press on a button neither
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] }).catch(() => {});
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: cx, y: cy, id: 2 }] });
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: cx + r * 0.5, y: cy - r * 0.2, id: 2 }] });
	await sleep(100);
	const ls = await lit(page);
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	lift = await press(page, cdp, '#buttons [data-command="backward"]');
	await sleep(100);
	l = await lit(page);
	await lift();
	l = { held: l.held + ls.held, pressed: l.pressed + ls.pressed, wedges: l.wedges + ls.wedges };
	ok(nothingLit(l), 'while disconnected, touching the stick or a button lights nothing', JSON.stringify(l));
	// the retry countdown counts down
	const c1 = await until(async () => {
		const m = (await page.locator('#why').textContent()).match(/retry in (\d+) s/);
		return m && Number(m[1]) >= 3 ? Number(m[1]) : null;
	}, 8000);
	await sleep(1600);
	const m2 = (await page.locator('#why').textContent()).match(/retry in (\d+) s/);
	ok(c1 && m2 && Number(m2[1]) < c1, 'the retry countdown counts', `${c1} s, then ${m2 && m2[1]} s`);
	await page.screenshot({ path: path.join(shots, 'phone-dropped.png') });

	// the pipeline back on the same port: the page reconnects, all fresh
	const drive2 = await new Drive().start([], drive.port);
	await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10000 });
	const fresh = await page.evaluate(() => ({
		sent: document.getElementById('sent').textContent, live: document.body.dataset.live,
		path: document.getElementById('map-path').getAttribute('points'),
	}));
	// the new simulator's first pose (a kept telemetry line) may be there already: the
	// old path, which went forward, must not
	const fromNewCar = (pts) => (pts || '').split(' ').filter(Boolean).every((p) => p === '0.000,0.000');
	ok(fresh.sent === 'stop' && fresh.live === 'yes' && fromNewCar(fresh.path), 'reconnected: "Sent" is "stop", the controls live, the old path gone', JSON.stringify(fresh));
	ok((await calls(page, 'wakeLock.request')).length >= 2 && (await calls(page, 'wakeLock.release')).length >= 1,
		'the wake lock is let go on the drop and taken again on the reconnect');
	ok(page.errors.length === 0, 'no script errors on the page', page.errors.join('; '));
	await ctx.close();
	await drive2.stop();
}

// 2. A page opened late learns the car's state from ws-bridge's kept lines
// (the car side's lines are written here: iracer-send's typed lines come with
// the safety work; this is the page's half).
async function lateLinkState(chrome) {
	const car = await fakeCarSide();
	car.line({ type: 'link', link: 'up' });
	car.line({ type: 'echo', t: 1.5, byte: '0x1c', command: 'forward 12' });
	car.line({ type: 'echo', t: 1.6, byte: '0x00', command: 'stop' });
	await sleep(200);
	const ctx = await chrome.browser.newContext(PHONE);
	const page = await openPage(ctx, car.url, null);
	const t0 = Date.now();
	const seen = await until(async () => {
		const t = await text(page);
		return t.includes('link up') && t.includes('0x00 stop') ? t : null;
	}, 1000);
	ok(seen, 'a page opened after the link came up shows "link up" and the last byte within 1 s', seen ? `${Date.now() - t0} ms from load` : await text(page));

	// the car becomes unreachable: link down with iracer-send's reason
	car.line({ type: 'link', link: 'down', reason: 'unix:/nonexistent: No such file or directory' });
	const page2 = await openPage(ctx, car.url, null);
	const down = await until(() => page2.evaluate(() => {
		const t = document.body.innerText;
		return /link down: unix:\/nonexistent: No such file or directory/.test(t) && !/link up/.test(t) &&
			document.getElementById('conn').dataset.state === 'linkdown' && document.body.dataset.live === 'no' &&
			/^Controls off: car link down/.test(document.getElementById('why').textContent) ? t : null;
	}), 1000);
	ok(down, 'an unreachable car: a new page shows "link down" and why, not "Connected", controls off', down ? '' : await text(page2));
	await page2.screenshot({ path: path.join(shots, 'phone-link-down.png') });
	// the old, untyped lines still work
	car.line({ link: 'up' });
	car.line({ t: 2.0, byte: '0x18', command: 'forward 8' });
	const old = await until(async () => {
		const t = await text(page2);
		return t.includes('link up') && t.includes('0x18 forward 8');
	}, 1000);
	ok(old, 'the older lines without "type" still update the page');
	await ctx.close();
	await car.stop();
}

// 3. Watching (ws-bridge --exclusive): the watcher sees the driver's path and
// bytes live, and becomes the driver when the driver leaves.
async function watching(chrome) {
	const drive = await new Drive().start(['--exclusive']);
	const ctx = await chrome.browser.newContext(PHONE);
	const driver = await openPage(ctx, drive.url);
	const wctx = await chrome.browser.newContext(PHONE);
	const watcher = await openPage(wctx, drive.url, 'watching');
	let i = drive.mark();
	await driver.evaluate(() => window.iracer.driver.set('test', { command: 'forward-left', speed: 12 }));
	await drive.waitByte(i, (b) => b === 0x5c);
	const live = await until(() => watcher.evaluate(() => {
		const pts = document.getElementById('map-path').getAttribute('points').split(' ').filter(Boolean).length;
		const got = document.getElementById('got-byte').textContent;
		return pts > 5 && /0x5c/.test(got) ? { pts, got } : null;
	}), 4000);
	const wlit = await lit(watcher);
	ok(live && nothingLit(wlit), 'the watcher sees the driver\'s bytes and path live, its own controls off', JSON.stringify(live));
	await sleep(400);
	await watcher.screenshot({ path: path.join(shots, 'phone-watching.png') });
	i = drive.mark();
	await driver.close();
	await drive.waitByte(i, (b) => b === 0);
	await watcher.waitForSelector('#conn[data-state="connected"]', { timeout: 5000 }).catch(() => {});
	i = drive.mark();
	await watcher.evaluate(() => {
		const s = document.getElementById('max-speed');
		s.value = '9';
		s.dispatchEvent(new Event('input'));
	});
	await watcher.keyboard.down('KeyW');
	const took = await drive.waitByte(i, (b) => b === 0x19, 2000);
	await watcher.keyboard.up('KeyW');
	ok(took && (await watcher.locator('#say').textContent()) !== null, 'handed the car, the watcher\'s page drives (W gives forward 9)');
	await ctx.close();
	await wctx.close();
	await drive.stop();
}

// 4. Desktop: no layout shift while driving, from the first telemetry on.
async function desktopShift(chrome) {
	const drive = await new Drive().start();
	const ctx = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await openPage(ctx, drive.url);
	await sleep(300);
	await page.evaluate(() => {
		window.__cls = 0;
		new PerformanceObserver((list) => {
			for (const e of list.getEntries())
				if (!e.hadRecentInput)
					window.__cls += e.value;
		}).observe({ type: 'layout-shift' });
	});
	const stopBefore = await page.locator('#buttons .stop').boundingBox();
	const i = drive.mark();
	await page.evaluate(() => window.iracer.driver.set('test', { command: 'forward-right', speed: 11 }));
	await drive.waitByte(i, (b) => b === 0x6b);
	await sleep(2500);
	await page.screenshot({ path: path.join(shots, 'desktop-driving.png') });
	const stopAfter = await page.locator('#buttons .stop').boundingBox();
	await page.evaluate(() => window.iracer.driver.stopAll('test'));
	await sleep(500);
	const cls = await page.evaluate(() => window.__cls);
	figures.desktop_cls = cls;
	ok(cls < 0.01 && stopBefore.y === stopAfter.y, 'desktop: layout shift while driving (CLS) below 0.01, Stop stays put',
		`CLS ${cls.toFixed(4)}, Stop at y ${stopBefore.y} then ${stopAfter.y}`);
	await ctx.close();
	await drive.stop();
}

// 5. Over TLS the service worker installs, and serves the page when the server is gone.
async function offline() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iracer-tls-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
		'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
	const chrome = await launchChromium(['--ignore-certificate-errors']);
	try {
		const drive = await new Drive().start(['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')]);
		const ctx = await chrome.browser.newContext({ ...PHONE, ignoreHTTPSErrors: true });
		const page = await openPage(ctx, drive.url);
		const sw = await page.evaluate(async () => {
			const reg = await navigator.serviceWorker.ready;
			return { secure: window.isSecureContext, active: !!reg.active };
		});
		await until(() => page.evaluate(() => !!navigator.serviceWorker.controller), 5000);
		await page.reload();	// once more, so every file is in the cache
		await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10000 });
		ok(sw.secure && sw.active, 'https: a secure context, the service worker is active', JSON.stringify(sw));
		await drive.stop();
		await page.reload();
		const shown = await until(async () => {
			const t = await page.locator('#conn-text').textContent();
			return /^Not connected/.test(t) ? t : null;
		}, 5000);
		const fromSw = await page.evaluate(() => !!navigator.serviceWorker.controller && !!document.getElementById('joystick'));
		ok(shown && fromSw, 'the server gone: a reload is served by the service worker and shows "Not connected"', shown || '');
		await ctx.close();
	} finally {
		await chrome.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main() {
	const chrome = await launchChromium();
	try {
		await phoneDriving(chrome);
		await lateLinkState(chrome);
		await watching(chrome);
		await desktopShift(chrome);
	} finally {
		await chrome.close();
	}
	await offline();
	fs.writeFileSync(path.join(shots, 'phone-results.json'), JSON.stringify(figures, null, 1) + '\n');
	if (args.includes('--docs') && !failures()) {
		for (const f of ['phone-watching.png', 'phone-link-down.png', 'phone-dropped.png'])
			fs.copyFileSync(path.join(shots, f), path.join(top, 'docs', `screenshot-${f}`));
		console.log('# copied the watcher, link-down and dropped screenshots to docs/');
	}
	finish(`figures: ${JSON.stringify(figures)}`);
}

main().catch(crashed);
