"""Drive through iracer-drive's WebSocket as the page does, from a script.

usage: ws-script.py URL [--every SECS] [--read SECS] STEP...

Each STEP is SECONDS=MESSAGE: MESSAGE is sent, and for a drive command (not
stop, not record) sent again every --every seconds (the page's heartbeat,
default 0.1) until SECONDS have passed since the step began. Steps follow each
other on absolute deadlines, so the script's own timing does not drift. Every
message received is printed, one per line, until --read seconds after the last
step. Exit 69 when the connection is refused or rejected.
"""
import argparse
import asyncio
import json
import sys
import time

import websockets


def heartbeat(message):
    try:
        cmd = json.loads(message).get("command")
    except (ValueError, AttributeError):
        return False
    return cmd not in ("stop", "record")


async def run(a):
    try:
        ws = await websockets.connect(a.url, open_timeout=5, close_timeout=1)
    except (OSError, websockets.exceptions.InvalidHandshake, asyncio.TimeoutError) as e:
        print(f"ws-script: {a.url}: {e}", file=sys.stderr)
        return 69

    async def reader():
        try:
            async for m in ws:
                print(m, flush=True)
        except websockets.exceptions.ConnectionClosed:
            pass

    task = asyncio.create_task(reader())
    t = time.monotonic()
    for step in a.steps:
        secs, message = step.split("=", 1)
        end = t + float(secs)
        await ws.send(message)
        nxt = t + a.every
        while heartbeat(message) and nxt < end - 1e-3:
            await asyncio.sleep(max(0, nxt - time.monotonic()))
            await ws.send(message)
            nxt += a.every
        await asyncio.sleep(max(0, end - time.monotonic()))
        t = end
    await asyncio.sleep(a.read)
    await ws.close()
    await asyncio.wait_for(task, 2)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("steps", nargs="*")
    p.add_argument("--every", type=float, default=0.1)
    p.add_argument("--read", type=float, default=0.5)
    sys.exit(asyncio.run(run(p.parse_intermixed_args())))


main()
