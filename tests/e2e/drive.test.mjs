// Browser acceptance test: real headless Chromium (Debian's /usr/bin/chromium,
// driven over CDP by playwright-core) against `iracer-drive --sim` on a free port.
// The sim's byte log (-v, on iracer-drive's stderr) is the truth about what the
// car got: "iracer-sim: 0.336 0x18 forward 8".
//
//   node drive.test.mjs [--shots DIR] [--docs]   (IRACER_BIN picks the programs)
//
// Prints TAP; exits 0 when every check passes. Screenshots go to DIR (default
// tests/out/shots): desktop.png, phone.png (375x667), landscape.png, and more;
// --docs copies desktop.png and phone.png to docs/ for the README.

import fs from 'node:fs';
import path from 'node:path';
import { crashed, Drive, failures, finish, launchChromium, ok, shotsDir, sleep, top, until } from './harness.mjs';

const args = process.argv.slice(2);
const shots = shotsDir(args);
const STOP_BOUND_MS = 1000;	// the acceptance bound; the design gives about 300 ms

const results = {};

const hi = (b) => b >> 4, lo = (b) => b & 15;
const hex = (b) => `0x${b.toString(16).padStart(2, '0')}`;

async function openPage(ctx, url) {
	const page = await ctx.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.errors = errors;
	await page.goto(url);
	await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10000 });
	return page;
}

async function knobDrag(page, fx, fy, settleMs = 250) {
	const box = await page.locator('#joystick').boundingBox();
	const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
	const r = Math.min(box.width, box.height) / 2;
	await page.mouse.move(cx, cy);
	await page.mouse.down();
	await page.mouse.move(cx + fx * r, cy + fy * r, { steps: 6 });
	await sleep(settleMs);
	return { cx, cy, r };
}

// Time from an action to the sim's next 0x00 (after mark i), in ms, or null.
async function stopDelay(drive, i, t0) {
	const e = await drive.waitByte(i, (b) => b === 0, STOP_BOUND_MS + 2000);
	return e ? e.at - t0 : null;
}

async function main() {
	// --shared: this test drives from several pages at once (one driver is the default)
	const drive = await new Drive().start(['--shared']);
	console.log(`# iracer-drive --sim at ${drive.url}`);
	let chrome = await launchChromium();
	try {
		const ctx = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await openPage(ctx, drive.url);

		// 1. knob up-right: a forward-right byte, speed growing with the distance
		let i = drive.mark();
		await knobDrag(page, 0.25, -0.25);
		const near = await drive.waitByte(i, (b) => hi(b) === 6);
		i = drive.mark();
		const box = await page.locator('#joystick').boundingBox();
		await page.mouse.move(box.x + box.width * 0.5 + box.width * 0.4, box.y + box.height * 0.5 - box.height * 0.4, { steps: 4 });
		const far = await drive.waitByte(i, (b) => hi(b) === 6 && near && lo(b) > lo(near.byte));
		ok(near && far, 'knob up-right delivers forward-right, faster when dragged further',
			near && far ? `near ${hex(near.byte)}, far ${hex(far.byte)}` : `log ${drive.log.map((e) => hex(e.byte)).join(' ')}`);
		// The car moving on the page's map (telemetry) while held.
		const moved = await until(() => page.evaluate(() => {
			const p = window.iracer.map.pose;
			return !document.getElementById('map').hidden && Math.hypot(p.x || 0, p.y || 0) > 0.05 ? p : null;
		}), 3000);
		ok(moved, 'the page shows the sim\'s telemetry: the car marker moves', moved ? `x ${moved.x.toFixed(2)} m, y ${moved.y.toFixed(2)} m` : '');
		const heldBytes = drive.since(i).filter((e) => hi(e.byte) === 6).length;
		await page.screenshot({ path: path.join(shots, 'desktop-driving.png') });
		i = drive.mark();
		let t0 = Date.now();
		await page.mouse.up();
		let d = await stopDelay(drive, i, t0);
		ok(d !== null && d < STOP_BOUND_MS, 'releasing the knob delivers 0x00', `${d} ms; ${heldBytes} heartbeat bytes while held`);
		results.release_ms = d;

		// 2. keyboard ArrowUp+ArrowLeft: forward-left at the max speed
		await page.locator('#max-speed').fill('10');
		await page.locator('#joystick').focus();
		i = drive.mark();
		await page.keyboard.down('ArrowUp');
		await page.keyboard.down('ArrowLeft');
		const key = await drive.waitByte(i, (b) => b === 0x5a);
		await page.keyboard.up('ArrowLeft');
		await page.keyboard.up('ArrowUp');
		const keyStop = await drive.waitByte(i, (b) => b === 0);
		ok(key && keyStop, 'keyboard ArrowUp+ArrowLeft delivers forward-left 10 (0x5a), key up stops',
			`log ${drive.since(i).map((e) => hex(e.byte)).join(' ')}`);

		// 3. a button click
		i = drive.mark();
		await page.getByRole('button', { name: 'Backward' }).click();
		const btn = await drive.waitByte(i, (b) => b === 0x2a);
		const btnStop = await drive.waitByte(i, (b) => b === 0);
		ok(btn && btnStop, 'clicking the Back button delivers backward 10 (0x2a), then 0x00',
			`log ${drive.since(i).map((e) => hex(e.byte)).join(' ')}`);
		// Space stops whatever drives
		i = drive.mark();
		await page.keyboard.down('KeyW');
		await drive.waitByte(i, (b) => b === 0x1a);
		const j = drive.mark();
		await page.keyboard.press('Space');
		const space = await drive.waitByte(j, (b) => b === 0, 1000);
		await page.keyboard.up('KeyW');
		ok(space, 'W drives forward, Space stops');
		// Leaving the page stops at once, before the watchdog could (300 ms).
		for (const [what, fire] of [
			['the window losing focus', () => window.dispatchEvent(new Event('blur'))],
			['the page becoming hidden', () => {
				Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
				document.dispatchEvent(new Event('visibilitychange'));
				delete document.visibilityState;
			}],
		]) {
			i = drive.mark();
			await page.keyboard.down('KeyW');
			await drive.waitByte(i, (b) => b === 0x1a);
			i = drive.mark();
			t0 = Date.now();
			await page.evaluate(fire);
			d = await stopDelay(drive, i, t0);
			await page.keyboard.up('KeyW');
			ok(d !== null && d < 250, `${what} stops the car at once`, `${d} ms`);
		}
		ok(page.errors.length === 0, 'no script errors on the page', page.errors.join('; '));
		// The README's picture: driving forward-right, the path curving on the map.
		i = drive.mark();
		await knobDrag(page, 0.3, -0.22, 1500);
		await page.screenshot({ path: path.join(shots, 'desktop.png') });
		await page.mouse.up();
		await drive.waitByte(i, (b) => b === 0);

		// Game pad: the left stick drives like the knob, a face button stops.
		const gpage = await ctx.newPage();
		await gpage.addInitScript(() => {
			window.__pad = { id: 'test pad', index: 0, connected: true, mapping: 'standard',
				axes: [0, 0, 0, 0], buttons: Array.from({ length: 16 }, () => ({ pressed: false, value: 0 })) };
			navigator.getGamepads = () => [window.__pad, null, null, null];
		});
		await gpage.goto(drive.url);
		await gpage.waitForSelector('#conn[data-state="connected"]');
		i = drive.mark();
		await gpage.evaluate(() => { window.__pad.axes = [0.7, -0.7, 0, 0]; });
		const padDrive = await drive.waitByte(i, (b) => hi(b) === 6, 3000);
		i = drive.mark();
		await gpage.evaluate(() => { window.__pad.buttons[0] = { pressed: true, value: 1 }; });
		const padStop = await drive.waitByte(i, (b) => b === 0, 1000);
		await gpage.evaluate(() => { window.__pad.buttons[0] = { pressed: false, value: 0 }; window.__pad.axes = [0, 0, 0, 0]; });
		ok(padDrive && padStop, 'game pad: left stick up-right drives forward-right, button A stops',
			padDrive ? hex(padDrive.byte) : `log ${drive.log.map((e) => hex(e.byte)).join(' ')}`);
		await gpage.close();

		// 4. closing the page while driving
		i = drive.mark();
		await knobDrag(page, 0, -0.45);
		await drive.waitByte(i, (b) => hi(b) === 1);
		i = drive.mark();
		t0 = Date.now();
		await page.close();
		d = await stopDelay(drive, i, t0);
		ok(d !== null && d < STOP_BOUND_MS, 'closing the page while driving delivers 0x00 within 1 s', `${d} ms`);
		results.close_page_ms = d;

		// 5. freezing the page's scripts while driving: the heartbeat stops, the watchdog stops the car
		const page2 = await openPage(ctx, drive.url);
		i = drive.mark();
		await knobDrag(page2, -0.3, -0.3);
		await drive.waitByte(i, (b) => hi(b) === 5);
		const cdp = await ctx.newCDPSession(page2);
		await cdp.send('Debugger.enable');
		i = drive.mark();
		t0 = Date.now();
		await cdp.send('Debugger.pause');
		d = await stopDelay(drive, i, t0);
		ok(d !== null && d < STOP_BOUND_MS, 'freezing the page\'s scripts (Debugger.pause) delivers 0x00 within 1 s', `${d} ms`);
		results.freeze_ms = d;
		await cdp.send('Debugger.resume').catch(() => {});
		await page2.mouse.up();
		await page2.close();

		// 6. killing the browser process while driving
		const page3 = await openPage(ctx, drive.url);
		i = drive.mark();
		await knobDrag(page3, 0.3, 0.3);
		await drive.waitByte(i, (b) => hi(b) === 8);
		i = drive.mark();
		t0 = Date.now();
		process.kill(-chrome.proc.pid, 'SIGKILL');
		d = await stopDelay(drive, i, t0);
		ok(d !== null && d < STOP_BOUND_MS, 'killing the browser process while driving delivers 0x00 within 1 s', `${d} ms`);
		results.kill_browser_ms = d;
		await chrome.close();

		// 7. phone screenshots: every control visible without scrolling
		chrome = await launchChromium();
		for (const [name, vp] of [['phone', { width: 375, height: 667 }], ['landscape', { width: 667, height: 375 }]]) {
			const pctx = await chrome.browser.newContext({ viewport: vp, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
			const p = await openPage(pctx, drive.url);
			const fits = await p.evaluate(() => {
				const sel = ['#joystick', '#max-speed', '#conn', '#sent', '#car', '#got', ...[...document.querySelectorAll('#buttons button')].map((b, k) => `#buttons button:nth-child(${k + 1})`)];
				const bad = [];
				for (const s of sel) {
					const r = document.querySelector(s).getBoundingClientRect();
					if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5)
						bad.push(s);
				}
				const se = document.scrollingElement;
				return { bad, scroll: se.scrollHeight > innerHeight || se.scrollWidth > innerWidth, buttons: document.querySelectorAll('#buttons button').length };
			});
			ok(fits.bad.length === 0 && !fits.scroll && fits.buttons === 5,
				`${vp.width}x${vp.height}: every control in view, no scrolling`, JSON.stringify(fits));
			// drive a little by touch so the picture shows a path and a lit sector
			i = drive.mark();
			const jb = await p.locator('#joystick').boundingBox();
			const cx = jb.x + jb.width / 2, cy = jb.y + jb.height / 2, r = Math.min(jb.width, jb.height) / 2;
			const tcdp = await pctx.newCDPSession(p);
			await tcdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: cx, y: cy }] });
			for (let k = 1; k <= 6; k++)
				await tcdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: cx + k * r * 0.06, y: cy - k * r * 0.06 }] });
			const touched = await drive.waitByte(i, (b) => hi(b) === 6 || hi(b) === 1);
			if (name === 'phone')
				ok(touched, 'a touch drag on the phone drives the car', touched ? hex(touched.byte) : '');
			await sleep(1200);
			await p.screenshot({ path: path.join(shots, `${name}.png`) });
			i = drive.mark();
			await tcdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
			await drive.waitByte(i, (b) => b === 0);
			await pctx.close();
		}
	} finally {
		await chrome.close();
		const r = await drive.stop();
		ok(r.code === 0 && drive.last() === 0, 'iracer-drive ends on SIGINT with the car stopped', `status ${r.code}, last byte ${drive.last() === null ? '-' : hex(drive.last())}`);
	}
	fs.writeFileSync(path.join(shots, 'results.json'), JSON.stringify(results, null, 1) + '\n');
	if (args.includes('--docs') && !failures()) {
		// The README's screenshots are these two, made by this test.
		fs.copyFileSync(path.join(shots, 'desktop.png'), path.join(top, 'docs/screenshot.png'));
		fs.copyFileSync(path.join(shots, 'phone.png'), path.join(top, 'docs/screenshot-phone.png'));
		console.log('# copied desktop.png and phone.png to docs/');
	}
	finish(`stop delays (ms): ${JSON.stringify(results)}`, `screenshots in ${shots}`);
}

main().catch(crashed);
