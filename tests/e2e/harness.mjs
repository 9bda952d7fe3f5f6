// What every browser test here shares: TAP lines with a count, waiting for a
// condition with a bound, and a free port on loopback.
import net from 'node:net';

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
