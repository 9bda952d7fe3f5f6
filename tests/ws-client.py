#!/usr/bin/python3
"""The one WebSocket client of the tests (python3-websockets 10.4).

usage: ws-client.py [--origin O] [--clients N] [--raw] URL ACTION...
       ws-client.py --drive [--gap S] [--every S] [--for S] [--read S] URL MESSAGE...
       ws-client.py --drive --steps [--every S] [--read S] URL SECONDS=MESSAGE...

--drive drives like the page: it sends each MESSAGE (--gap seconds apart), then
with --every re-sends the last one that often for --for seconds (the heartbeat),
prints every message received, one per line, until --read seconds after the
last send, and closes. Exit 69 when the connection is refused or rejected.
With --steps, a script: each MESSAGE is sent and, for a drive command (not
stop, not record), sent again every --every seconds until SECONDS have passed
since its step began (default 0.1 s, the page's heartbeat); steps follow
each other on absolute deadlines.

Otherwise the ACTIONs test the protocol. Actions, run in order by every client:
  send:TEXT      send a text message ({c} is the client number, \\n a newline)
  many:N:TEXT    send N messages TEXT-{c}-{j}, j = 1..N
  frag:TEXT      send TEXT as a message in three fragments
  binary:TEXT    send TEXT as a binary message
  badutf8        send a text frame that is not UTF-8 (--raw only)
  recv:N         print the next N messages received, as "recv TEXT"
  until:TEXT     read until a message is TEXT; print "got TEXT after N"
  wait-close     read until the server closes; print "closed CODE"
  close          close cleanly (code 1000); print "closed CODE"
  reset          drop the TCP connection with a reset (RST)
  silent        stop reading and answering pings; sleep until killed
  sleep:SECS     pause
Prints "open" once connected (per client), "status CODE" and exits 2 when
the server refuses the upgrade, exits 3 on a timeout.
"""
import argparse
import asyncio
import json
import socket
import ssl
import struct
import sys
import time

import websockets

import wsraw
from wsraw import out

TIMEOUT = 15


def expand(text, c, j=None):
    text = text.replace("\\n", "\n").replace("\\r", "\r").replace("{c}", str(c))
    return text if j is None else f"{text}-{c}-{j}"


def connect_options(url, **kw):
    """websockets.connect() options; wss: accepts the tests' self-signed certificate."""
    if url.startswith("wss:"):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        kw["ssl"] = ctx
    return kw


async def run_client(args, c):
    kw = connect_options(args.url, ping_interval=None, max_size=None, open_timeout=TIMEOUT)
    if args.origin:
        kw["origin"] = args.origin
    try:
        ws = await websockets.connect(args.url, **kw)
    except websockets.exceptions.InvalidStatusCode as e:
        out(f"status {e.status_code}")
        return 2
    out("open")
    for act in args.actions:
        name, _, rest = act.partition(":")
        if name == "send":
            await ws.send(expand(rest, c))
        elif name == "many":
            n, _, text = rest.partition(":")
            for j in range(1, int(n) + 1):
                await ws.send(expand(text, c, j))
        elif name == "frag":
            t = expand(rest, c)
            k = max(1, len(t) // 3)
            await ws.send([t[:k], t[k:2 * k], t[2 * k:]])
        elif name == "binary":
            await ws.send(expand(rest, c).encode())
        elif name == "recv":
            for _ in range(int(rest)):
                out("recv " + await asyncio.wait_for(ws.recv(), TIMEOUT))
        elif name == "until":
            want, seen = expand(rest, c), 0
            while True:
                seen += 1
                if await asyncio.wait_for(ws.recv(), TIMEOUT) == want:
                    break
            out(f"got {want} after {seen}")
        elif name == "wait-close":
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), TIMEOUT)
            except websockets.exceptions.ConnectionClosed:
                pass
            await ws.wait_closed()
            out(f"closed {ws.close_code}")
        elif name == "close":
            await ws.close()
            out(f"closed {ws.close_code}")
        elif name == "reset":
            sock = ws.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            ws.transport.abort()
            out("reset")
            return 0
        elif name == "silent":
            ws.transport.pause_reading()
            out("silent")
            await asyncio.sleep(3600)
        elif name == "sleep":
            await asyncio.sleep(float(rest))
        else:
            raise SystemExit(f"ws-client.py: unknown action {act}")
    return 0


async def run_all(args):
    results = await asyncio.gather(*(run_client(args, c) for c in range(1, args.clients + 1)))
    return max(results)


# ---- --drive: messages and a heartbeat, as the page sends them ----

async def send_messages(ws, a):
    for i, m in enumerate(a.actions):
        if i:
            await asyncio.sleep(a.gap)
        await ws.send(m)
    if a.every and a.actions:
        end = time.monotonic() + getattr(a, "for")
        while time.monotonic() < end:
            await asyncio.sleep(a.every)
            try:
                await ws.send(a.actions[-1])
            except websockets.exceptions.ConnectionClosed:
                break


def heartbeat(message):
    """A drive command is repeated while its step lasts; stop and record are not."""
    try:
        cmd = json.loads(message).get("command")
    except (ValueError, AttributeError):
        return False
    return cmd not in ("stop", "record")


async def send_steps(ws, a):
    """Each action SECONDS=MESSAGE, on absolute deadlines, so the steps do not drift."""
    every = a.every or 0.1  # the page's heartbeat
    t = time.monotonic()
    for step in a.actions:
        secs, message = step.split("=", 1)
        end = t + float(secs)
        await ws.send(message)
        nxt = t + every
        while heartbeat(message) and nxt < end - 1e-3:
            await asyncio.sleep(max(0, nxt - time.monotonic()))
            await ws.send(message)
            nxt += every
        await asyncio.sleep(max(0, end - time.monotonic()))
        t = end


async def run_drive(a):
    try:
        ws = await websockets.connect(
            a.url, **connect_options(a.url, open_timeout=5, close_timeout=1))
    except (OSError, websockets.exceptions.InvalidHandshake, asyncio.TimeoutError) as e:
        print(f"ws-client.py: {a.url}: {e}", file=sys.stderr)
        return 69

    async def reader():
        try:
            async for m in ws:
                out(m)
        except websockets.exceptions.ConnectionClosed:
            pass

    task = asyncio.create_task(reader())
    await (send_steps(ws, a) if a.steps else send_messages(ws, a))
    await asyncio.sleep(a.read)
    await ws.close()
    await asyncio.wait_for(task, 2)
    return 0


# ---- raw socket client, for what a well-behaved library will not send ----

def run_raw(args):
    sock = wsraw.upgrade(args.url, TIMEOUT, origin=args.origin)
    if sock is None:
        return 2
    return wsraw.run_actions(sock, args.actions, TIMEOUT, lambda t: expand(t, 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--origin")
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--raw", action="store_true")
    p.add_argument("--drive", action="store_true")
    p.add_argument("--steps", action="store_true")
    p.add_argument("--gap", type=float, default=0.05)
    p.add_argument("--every", type=float, default=0)
    p.add_argument("--for", type=float, default=0)
    p.add_argument("--read", type=float, default=0.5)
    p.add_argument("url")
    p.add_argument("actions", nargs="*")
    args = p.parse_args()
    try:
        if args.drive:
            return asyncio.run(run_drive(args))
        if args.raw:
            return run_raw(args)
        return asyncio.run(run_all(args))
    except asyncio.TimeoutError:
        out("timeout")
        return 3


if __name__ == "__main__":
    sys.exit(main())
