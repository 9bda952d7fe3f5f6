// What every browser test here shares: TAP lines with a count, waiting for a
// condition with a bound, a free port on loopback, and Chromium.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let count = 0, failed = 0;

// One TAP line; returns cond, so a test can go on from it.
export function ok(cond, name, detail = '') {
	count++;
	console.log(`${cond ? 'ok' : 'not ok'} ${count} ${name}${detail ? ` # ${detail}` : ''}`);
	if (!cond)
		failed++;
	return cond;
}

export const tested = () => count;
export const failures = () => failed;

// fn's first truthy value, or null after ms.
export async function until(fn, ms, step = 20) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			return null;
		await sleep(step);
	}
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

// Chromium as our own process (so a test can kill it) with a fresh profile,
// driven over CDP by playwright-core; extra: more command-line switches.
export async function launchChromium(extra = []) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iracer-chromium-'));
	const proc = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
		'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		'--disable-background-networking', '--disable-component-update', '--disable-sync',
		`--user-data-dir=${dir}`, '--remote-debugging-port=0', ...extra, 'about:blank',
	], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
	const exited = new Promise((r) => proc.on('exit', r));
	const wsUrl = await new Promise((resolve, reject) => {
		let buf = '';
		const t = setTimeout(() => reject(new Error(`chromium did not start: ${buf}`)), 30000);
		proc.stderr.on('data', (d) => {
			buf += d;
			const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
			if (m) {
				clearTimeout(t);
				resolve(m[1]);
			}
		});
	});
	const browser = await chromium.connectOverCDP(wsUrl);
	return {
		browser, proc, dir, exited,
		async close() {
			await browser.close().catch(() => {});
			if (proc.exitCode === null && proc.signalCode === null) {
				try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }
				await Promise.race([exited, sleep(5000)]);
			}
			try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
