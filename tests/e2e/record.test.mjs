// Browser test of the Record control (www/record.js): headless Chromium
// (playwright-core over CDP, like drive.test.mjs) against
// `iracer-drive --sim -v --record FILE`. The page only asks; the route must
// come back over the WebSocket and download as a file that iracer-cmd accepts.
//
//   node record.test.mjs [--shots DIR]   (IRACER_BIN picks the programs)
//
// Prints TAP; exits 0 when every check passes.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, crashed, Drive, finish, launchChromium, ok, shotsDir, sleep, until } from './harness.mjs';

const shots = shotsDir(process.argv.slice(2));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iracer-record-e2e-'));

// The route's command lines (no comments).
const body = (text) => text.split('\n').filter((l) => l && !l.startsWith('#'));

async function main() {
	const whole = path.join(tmp, 'whole.route');
	const drive = await new Drive().start(['--record', whole]);
	console.log(`# iracer-drive --sim --record at ${drive.url}`);
	const chrome = await launchChromium();
	try {
		const ctx = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
		const page = await ctx.newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		await page.goto(drive.url);
		await page.waitForSelector('#conn[data-state="connected"]', { timeout: 10000 });
		const rec = page.locator('#record');
		const button = rec.locator('.record-button');
		const status = rec.locator('.record-status');
		const link = rec.locator('.record-download');

		ok(await button.textContent().then((t) => t.trim()) === 'Record' &&
			await rec.getAttribute('data-recording') === 'no' && await link.isHidden(),
		'the Record control starts idle, with no download');

		// 1. ask: the car's side answers "on", and the page shows a running clock
		await button.click();
		const on = await until(async () => await rec.getAttribute('data-recording') === 'yes', 5000);
		ok(on, 'Record: the car side answers and the page shows that recording is on');
		ok(await button.getAttribute('aria-pressed') === 'true' &&
			(await button.textContent()).includes('Stop recording'), 'the button becomes "Stop recording" (aria-pressed)');
		const first = await status.textContent();
		await sleep(1300);
		const later = await status.textContent();
		ok(/^Recording 0:00$/.test(first) && /^Recording 0:0[12]$/.test(later),
			'the page shows how long it has been recording', `${first} -> ${later}`);

		// 2. drive: hold Forward (speed 12 from the slider) for 0.8 s, then let go
		const fwd = page.locator('button.drive[data-command="forward"]');
		const box = await fwd.boundingBox();
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.down();
		await sleep(800);
		await page.mouse.up();
		await until(() => drive.bytes().includes(0x1c) && drive.last() === 0, 3000);
		await sleep(300);
		await page.screenshot({ path: path.join(shots, 'record.png') });

		// 3. stop: the route comes back on the socket and is offered as a file
		await button.click();
		const shown = await until(async () => await link.isVisible(), 5000);
		ok(shown && await rec.getAttribute('data-recording') === 'no',
			'Stop recording: the route comes back and a download link appears');
		const name = await link.getAttribute('download');
		ok(/^drive-\d{8}-\d{6}\.route$/.test(name || ''), 'the download is named like a route file', name);
		let text = null;
		try {
			const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), link.click()]);
			ok(dl.suggestedFilename() === name, 'clicking the link downloads the file', dl.suggestedFilename());
			text = fs.readFileSync(await dl.path(), 'utf8');
		} catch (e) {
			ok(false, 'clicking the link downloads the file', e.message.split('\n')[0]);
			text = await page.evaluate(async (href) => (await fetch(href)).text(), await link.getAttribute('href'));
		}
		const lines = body(text);
		console.log(`# route: ${JSON.stringify(lines)}`);
		ok(text.startsWith('#!/usr/bin/env iracer-cmd\n# Recorded by iracer-record '), 'the file starts with the shebang and the recording comment');
		const m = (lines[0] || '').match(/^forward 12 (\d+)ms$/);
		ok(m && Number(m[1]) >= 600 && Number(m[1]) <= 1500 && lines[lines.length - 1] === 'stop',
			'the route is what the car got: forward 12 for about 0.8 s, then stop', lines.join(' / '));
		const file = path.join(tmp, name || 'x.route');
		fs.writeFileSync(file, text);
		let check = 'ok';
		try { execFileSync(path.join(bin, 'iracer-cmd'), ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] }); } catch (e) { check = String(e.stderr); }
		ok(check === 'ok', 'iracer-cmd -c accepts the downloaded route', check);
		ok(errors.length === 0, 'no errors in the page', errors.join('; '));
	} finally {
		await chrome.close();
		const { code } = await drive.stop(15000);
		ok(code === 0, 'iracer-drive ends on SIGINT', `status ${code}`);
	}
	const w = fs.existsSync(whole) ? body(fs.readFileSync(whole, 'utf8')) : [];
	ok(/^forward 12 \d+ms$/.test(w[0] || '') && w[w.length - 1] === 'stop', '--record FILE holds the whole drive too', w.join(' / '));
	fs.rmSync(tmp, { recursive: true, force: true });
	finish();
}

main().catch(crashed);
