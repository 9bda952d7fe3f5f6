// Security in a real browser (headless Debian chromium over CDP, playwright-core):
// - Debian's nginx in front, TLS at nginx (a self-signed certificate made by
//   openssl here), examples/nginx-iracer.conf with its ports and paths changed;
//   two `iracer-drive --sim --host car.test` on one host under /car/a/ and
//   /car/b/: each page drives its own car and only its own car.
// - The token leaves the address bar and still serves reconnects and reloads.
// - One driver at a time: a second page watches, says so, and takes over when
//   the first leaves.
// - DNS rebinding: a page from evil.example (resolved to 127.0.0.1 with
//   --host-resolver-rules) opens a WebSocket to the car: refused, nothing moves.
//
//   node security.test.mjs      (IRACER_BIN picks the programs)

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { crashed, Drive, finish, freePort, launchChromium, ok, sleep, top, until } from './harness.mjs';

const NGINX = process.env.NGINX || '/usr/sbin/nginx';

// nginx as in examples/nginx-iracer.conf, on a free port, all its files in dir.
async function startNginx(dir, portA, portB) {
	const port = await freePort();
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
		'-subj', '/CN=car.test', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
	const site = fs.readFileSync(path.join(top, 'examples/nginx-iracer.conf'), 'utf8')
		.replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`)
		.replace('server_name car.example.org;', 'server_name car.test;')
		.replace('/etc/ssl/certs/car.example.org.pem', `${dir}/cert.pem`)
		.replace('/etc/ssl/private/car.example.org.key', `${dir}/key.pem`)
		.replace('127.0.0.1:8081/', `127.0.0.1:${portA}/`)
		.replace('127.0.0.1:8082/', `127.0.0.1:${portB}/`);
	fs.writeFileSync(`${dir}/site.conf`, site);
	const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
		.map((t) => `${t}_temp_path ${dir}/${t};`).join('\n\t');
	fs.writeFileSync(`${dir}/nginx.conf`, `${process.getuid() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 256; }
http {
	access_log off;
	${temps}
	include ${dir}/site.conf;
}
`);
	const proc = spawn(NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`],
		{ stdio: ['ignore', 'ignore', 'pipe'], detached: true });
	let err = '';
	proc.stderr.on('data', (d) => { err += d; });
	const up = await until(() => new Promise((r) => {
		const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
		s.on('error', () => r(false));
	}), 10000, 100);
	if (!up)
		throw new Error(`nginx did not start: ${err}`);
	return { port, proc, close: () => { try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ } } };
}

async function openPage(ctx, url, state = 'connected') {
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
	page.response = await page.goto(url);
	await page.waitForSelector(`#conn[data-state="${state}"]`, { timeout: 10000 });
	return page;
}

// Hold a key until the car's log shows a byte with high nibble dir; then let go.
async function driveWith(page, key, car, dir) {
	const i = car.mark();
	await page.locator('#joystick').focus();
	await page.keyboard.down(key);
	const got = await until(() => car.bytes(i).some((b) => b >> 4 === dir), 3000);
	await page.keyboard.up(key);
	await until(() => car.last() === 0, 2000);
	return got;
}

async function main() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iracer-security-'));
	fs.writeFileSync(`${dir}/a.token`, 'tok-a-0123456789abcdef\n', { mode: 0o600 });
	const a = await new Drive().start(['--host', 'car.test', '--token-file', `${dir}/a.token`]);
	const b = await new Drive().start(['--host', 'car.test']);
	let nginx = null, chrome = null;
	try {
		nginx = await startNginx(dir, a.port, b.port);
		chrome = await launchChromium(['--ignore-certificate-errors',
			'--host-resolver-rules=MAP car.test 127.0.0.1, MAP evil.example 127.0.0.1']);
		const base = `https://car.test:${nginx.port}`;
		const ctx = await chrome.browser.newContext({ ignoreHTTPSErrors: true });

		// 1. both cars through nginx, TLS, prefixes; each page moves its own car only
		const pa = await openPage(ctx, `${base}/car/a/?token=tok-a-0123456789abcdef`);
		const pb = await openPage(ctx, `${base}/car/b/`);
		const [la, lb] = [a.mark(), b.mark()];
		const movedA = await driveWith(pa, 'KeyW', a, 1);
		ok(movedA && !b.bytes(lb).some((x) => x !== 0), 'through nginx: page /car/a/ drives car A (forward) and car B does not move',
			`A ${a.bytes(la).length} bytes, B ${b.bytes(lb).map((x) => x.toString(16)).join(' ')}`);
		const [la2, lb2] = [a.mark(), b.mark()];
		const movedB = await driveWith(pb, 'KeyS', b, 2);
		ok(movedB && !a.bytes(la2).some((x) => x !== 0), 'through nginx: page /car/b/ drives car B (backward) and car A does not move',
			`B ${b.bytes(lb2).length} bytes, A ${a.bytes(la2).map((x) => x.toString(16)).join(' ')}`);
		const head = await pa.response.allHeaders();
		ok(head['x-frame-options'] === 'DENY' && /frame-ancestors 'none'/.test(head['content-security-policy'] || '') &&
			head['referrer-policy'] === 'no-referrer', 'through nginx: the page carries X-Frame-Options, CSP and Referrer-Policy',
			JSON.stringify(head['content-security-policy']));

		// 2. the token: out of the address bar, still used for reconnects and reloads
		ok(!pa.url().includes('token'), 'the token is gone from the address bar', pa.url());
		await pa.reload();
		const again = await until(() => pa.evaluate(() => document.getElementById('conn').dataset.state === 'connected'), 10000);
		ok(again && await driveWith(pa, 'KeyW', a, 1), 'after a reload the page connects again (token kept in the tab) and drives');
		const noTok = await ctx.newPage();
		await noTok.goto(`${base}/car/a/`);
		await sleep(1500);
		const st = await noTok.evaluate(() => document.getElementById('conn').dataset.state);
		ok(st !== 'connected', 'a new tab without the token does not connect', st);
		await noTok.close();

		// 3. one driver at a time: a second page watches, says why, takes over
		const pb2 = await openPage(ctx, `${base}/car/b/`, 'watching');
		const text = await pb2.locator('#conn-text').textContent();
		// the page says why its controls are off, above them (#why)
		const why = await pb2.locator('#why').textContent();
		ok(/watching/i.test(text) && /another browser drives/i.test(why || ''), 'a second page watches and its controls say why',
			`"${text}" / "${why}"`);
		const lw = b.mark();
		await pb2.locator('#joystick').focus();
		await pb2.keyboard.down('KeyW');
		await sleep(600);
		await pb2.keyboard.up('KeyW');
		ok(!b.bytes(lw).some((x) => x >> 4 === 1), 'the watcher\'s keys do not move the car');
		await pb.close();
		const took = await until(() => pb2.evaluate(() => document.getElementById('conn').dataset.state === 'connected'), 5000);
		ok(took && await driveWith(pb2, 'KeyW', b, 1), 'when the driver leaves, the watcher is told it drives, and it drives');
		ok(pa.errors.length === 0 && pb2.errors.length === 0, 'no script or CSP errors on the pages', [...pa.errors, ...pb2.errors].join('; '));

		// 4. DNS rebinding: a page on evil.example, same port, opens the car's WebSocket
		const evilOrigin = `http://evil.example:${b.port}`;
		const evil = await ctx.newPage();
		await evil.route(`${evilOrigin}/`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><p>cat pictures</p>' }));
		await evil.goto(`${evilOrigin}/`);
		const lr = b.mark();
		const verdict = await evil.evaluate((url) => new Promise((resolve) => {
			const ws = new WebSocket(url);
			ws.onopen = () => {
				for (let k = 0; k < 10; k++)
					ws.send('{"command":"forward","speed":15}');
				resolve('open');
			};
			ws.onerror = () => resolve('refused');
			setTimeout(() => resolve('timeout'), 5000);
		}), `ws://evil.example:${b.port}/ws`);
		await sleep(500);
		ok(verdict === 'refused' && !b.bytes(lr).some((x) => x !== 0), 'DNS rebinding in Chromium: the upgrade to evil.example is refused, nothing moves',
			verdict);
		const page421 = await ctx.newPage();
		const resp = await page421.goto(`http://evil.example:${b.port}/`);
		ok(resp.status() === 421, 'DNS rebinding: the page itself is 421 for evil.example', String(resp.status()));
	} finally {
		if (chrome)
			await chrome.close();
		if (nginx)
			nginx.close();
		// (as before the shared Drive: a slow end is killed, not a failure here)
		for (const d of [a, b])
			await d?.stop().catch(() => {});
		fs.rmSync(dir, { recursive: true, force: true });
	}
	finish();
}

main().catch(crashed);
