"""A plain WebSocket client that drives like the page: messages, then a heartbeat
(tests/ws-client.py, ws-bridge's, tests the protocol; this one the pipeline).

usage: ws-driver.py URL [--gap SECS] [--every SECS] [--for SECS] [--read SECS] MESSAGE...

Connects, sends each MESSAGE (--gap apart), then with --every re-sends the last
one that often for --for seconds (a heartbeat, as the page does), and prints
every message received, one per line, until --read seconds have passed after the
last send. Exit 69 when the connection is refused or rejected.
"""
import argparse
import asyncio
import ssl
import sys
import time

import websockets


async def run(a):
    kw = {}
    if a.url.startswith("wss:"):
        # the tests' self-signed certificate
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        kw["ssl"] = ctx
    try:
        ws = await websockets.connect(a.url, open_timeout=5, close_timeout=1, **kw)
    except (OSError, websockets.exceptions.InvalidHandshake, asyncio.TimeoutError) as e:
        print(f"ws-driver: {a.url}: {e}", file=sys.stderr)
        return 69

    async def reader():
        try:
            async for m in ws:
                print(m, flush=True)
        except websockets.exceptions.ConnectionClosed:
            pass

    task = asyncio.create_task(reader())
    for i, m in enumerate(a.messages):
        if i:
            await asyncio.sleep(a.gap)
        await ws.send(m)
    if a.every and a.messages:
        end = time.monotonic() + getattr(a, "for")
        while time.monotonic() < end:
            await asyncio.sleep(a.every)
            try:
                await ws.send(a.messages[-1])
            except websockets.exceptions.ConnectionClosed:
                break
    await asyncio.sleep(a.read)
    await ws.close()
    await asyncio.wait_for(task, 2)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("messages", nargs="*")
    p.add_argument("--gap", type=float, default=0.05)
    p.add_argument("--every", type=float, default=0)
    p.add_argument("--for", type=float, default=0)
    p.add_argument("--read", type=float, default=0.5)
    sys.exit(asyncio.run(run(p.parse_args())))


main()
