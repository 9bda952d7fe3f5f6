// What every browser test here shares: TAP lines with a count, waiting for a
// condition with a bound, a free port on loopback, Chromium, and
// iracer-drive --sim with the sim's byte log.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const top = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.IRACER_BIN || path.join(top, 'bin');

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

// The plan line, then notes as TAP comments; exit 1 when anything failed.
export function finish(...notes) {
	console.log(`1..${count}`);
	for (const n of notes)
		console.log(`# ${n}`);
	process.exit(failed ? 1 : 0);
}

// For main().catch: a throw is one more failure.
export function crashed(e) {
	ok(false, 'the test ran to the end', e.stack);
	finish();
}

// The screenshot folder, made here: --shots DIR, or tests/out/shots.
export function shotsDir(args) {
	const i = args.indexOf('--shots');
	const dir = path.resolve(i >= 0 ? args[i + 1] : path.join(top, 'tests/out/shots'));
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

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

// iracer-drive --sim -v ARGS on a free port (or port), in a process group of
// its own. The sim's byte log on its stderr is the truth about what the car
// got ("iracer-sim: 0.336 0x18 forward 8"): log holds {t, byte, at
// (Date.now())} as the lines come.
export class Drive {
	async start(extra = [], port = null) {
		this.port = port || await freePort();
		this.log = [];
		this.stderr = '';
		this.proc = spawn(path.join(top, 'scripts/iracer-drive'), ['--sim', '-v', '-p', String(this.port), ...extra],
			{ env: { ...process.env, IRACER_BIN: bin }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let partial = '', out = '';
		this.proc.stderr.on('data', (d) => {
			this.stderr += d;
			partial += d;
			const lines = partial.split('\n');
			partial = lines.pop();
			for (const line of lines) {
				const m = line.match(/^iracer-sim: ([0-9.]+) (0x[0-9a-f]{2}) /);
				if (m)
					this.log.push({ t: Number(m[1]), byte: parseInt(m[2], 16), at: Date.now() });
			}
		});
		this.proc.stdout.on('data', (d) => { out += d; });
		this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig })));
		this.url = await until(() => (out.match(/^(https?:\/\/\S+)$/m) || [])[1], 15000);
		if (!this.url)
			throw new Error(`iracer-drive did not print its URL:\n${this.stderr}`);
		return this;
	}

	mark() {
		return this.log.length;
	}

	since(i) {
		return this.log.slice(i);
	}

	// The bytes the car got from mark i on.
	bytes(i = 0) {
		return this.since(i).map((e) => e.byte);
	}

	last() {
		return this.log.length ? this.log[this.log.length - 1].byte : null;
	}

	// First byte at or after mark i that satisfies pred.
	async waitByte(i, pred, ms = 3000) {
		return until(() => this.since(i).find((e) => pred(e.byte)), ms);
	}

	// SIGINT, as Ctrl-C: {code, sig}. One that has not ended within ms is
	// killed, and that is an error.
	async stop(ms = 10000) {
		if (this.proc.exitCode === null)
			this.proc.kill('SIGINT');
		const r = await Promise.race([this.exited, sleep(ms).then(() => null)]);
		if (!r) {
			process.kill(-this.proc.pid, 'SIGKILL');
			throw new Error('iracer-drive did not end on SIGINT');
		}
		return r;
	}
}
