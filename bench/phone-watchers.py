#!/usr/bin/python3
"""bench/phone-watchers.py: the driver's round trip; watching clients.

usage: phone-watchers.py drive WS_URL SAMPLES [WAIT]
       phone-watchers.py watch WS_URL WATCHERS

drive: sends forward 8 / forward 9 in turn every 100 ms, so the sim car keeps
moving and its telemetry (20 Hz) goes to every client; the round trip is from
the send to the car side's echo of that command. Prints key=value: n, p50_ms,
p99_ms. It connects, then waits WAIT seconds (default 0) before it measures: time
to start the watchers after it (with ws-bridge --exclusive the earliest drives).
watch: WATCHERS clients that only read, as watching pages do, until SIGTERM;
then prints msgs_per_s (lines each watcher received per second, mean). It runs
in a process of its own, so the driver's figures are not its event loop's.
"""
import asyncio
import json
import signal
import sys
import time

import websockets


async def watcher(url, counts, i, stop):
    async with websockets.connect(url, ping_interval=None, max_size=None) as ws:
        counts[i] = 0
        while not stop.is_set():
            try:
                await asyncio.wait_for(ws.recv(), 0.5)
                counts[i] += 1
            except asyncio.TimeoutError:
                pass


async def watch(url, nwatch):
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    counts = [0] * nwatch
    tasks = []
    for i in range(nwatch):
        tasks.append(asyncio.create_task(watcher(url, counts, i, stop)))
        if i % 20 == 19:
            await asyncio.sleep(0.05)
    print("watching", flush=True)
    t0 = time.monotonic()
    await stop.wait()
    secs = time.monotonic() - t0
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"msgs_per_s={sum(counts) / nwatch / secs:.1f}", flush=True)


async def drive(url, samples, wait):
    rtts = []
    async with websockets.connect(url, ping_interval=None, max_size=None) as ws:
        print("connected", file=sys.stderr, flush=True)
        t_end = time.monotonic() + wait
        while time.monotonic() < t_end:  # read what comes meanwhile (role notice, pongs)
            try:
                await asyncio.wait_for(ws.recv(), max(0.01, t_end - time.monotonic()))
            except asyncio.TimeoutError:
                pass
        for k in range(samples + 10):
            speed = 8 + k % 2
            want = f"forward {speed}"
            t0 = time.monotonic()
            await ws.send(json.dumps({"command": "forward", "speed": speed}))
            while True:
                m = json.loads(await asyncio.wait_for(ws.recv(), 5))
                if m.get("command") == want and "x" not in m:
                    break
            if k >= 10:  # the first ones warm up
                rtts.append((time.monotonic() - t0) * 1000)
            await asyncio.sleep(max(0, 0.1 - (time.monotonic() - t0)))
        await ws.send(json.dumps({"command": "stop"}))
    rtts.sort()
    pick = lambda q: rtts[min(len(rtts) - 1, int(q * len(rtts)))]
    print(f"n={len(rtts)} p50_ms={pick(0.5):.2f} p99_ms={pick(0.99):.2f}")


def main():
    if len(sys.argv) not in (4, 5) or sys.argv[1] not in ("drive", "watch"):
        sys.exit(__doc__.split("\n\n")[1])
    if sys.argv[1] == "drive":
        wait = float(sys.argv[4]) if len(sys.argv) == 5 else 0
        asyncio.run(drive(sys.argv[2], int(sys.argv[3]), wait))
    else:
        asyncio.run(watch(sys.argv[2], int(sys.argv[3])))


main()
