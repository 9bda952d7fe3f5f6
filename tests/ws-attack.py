#!/usr/bin/python3
"""What an attacker sends to ws-bridge, over raw sockets (tests/45-ws-security.bats).

usage: ws-attack.py upgrade [--host H] [--origin O] [--proto P] [--pipeline] URL ACTION...
       ws-attack.py flood --from ADDR --sockets N --seconds S PORT
       ws-attack.py timed-upgrade --count N --every SECS URL

upgrade: a WebSocket upgrade with exactly these headers; prints "status CODE"
  (and exits 2) or "open", then runs the actions of tests/wsraw.py
  (send:TEXT, unmasked:TEXT, wait-close, sleep:SECS...).
  --pipeline sends a masked frame in the same packet as the request.
flood: N idle TCP connections from ADDR, each reopened when closed, for S
  seconds; prints "opened N" at the end (how many connects it made).
timed-upgrade: N upgrades, one every SECS; prints the slowest time to 101
  in ms and how many took over a second: "max_ms X over_1s Y failed Z".
"""
import selectors
import signal
import socket
import sys
import time
import urllib.parse

import wsraw
from wsraw import frame, out, read_status, request

TIMEOUT = 10


def upgrade(args):
    opts = {"--host": None, "--origin": None, "--proto": None}
    pipeline = False
    while args and args[0].startswith("--"):
        if args[0] == "--pipeline":
            pipeline = True
            args = args[1:]
        else:
            opts[args[0]] = args[1]
            args = args[2:]
    first = frame(1, b"pipelined") if pipeline else b""
    sock = wsraw.upgrade(args[0], TIMEOUT, first,
                         host=opts["--host"], origin=opts["--origin"], proto=opts["--proto"])
    if sock is None:
        return 2
    return wsraw.run_actions(sock, args[1:], TIMEOUT)


def flood(args):
    src, n, secs, port = None, 1000, 10.0, None
    while args:
        if args[0] == "--from":
            src = args[1]
        elif args[0] == "--sockets":
            n = int(args[1])
        elif args[0] == "--seconds":
            secs = float(args[1])
        else:
            port = int(args[0])
            args = args[1:]
            continue
        args = args[2:]
    sel = selectors.DefaultSelector()
    opened = 0

    def open_one():
        nonlocal opened
        s = socket.socket()
        s.setblocking(False)
        if src:
            s.bind((src, 0))
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            return
        opened += 1
        sel.register(s, selectors.EVENT_READ)

    # SIGTERM ends it early, with the count (bench/lockout reports the rate)
    def on_term(*_):
        out(f"opened {opened}")
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    for _ in range(n):
        open_one()
    end = time.monotonic() + secs
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.1):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                open_one()
        while len(sel.get_map()) < n and time.monotonic() < end:
            before = len(sel.get_map())
            open_one()
            if len(sel.get_map()) == before:
                time.sleep(0.01)
                break
    out(f"opened {opened}")
    return 0


def timed_upgrade(args):
    count, every = int(args[1]), float(args[3])
    u = urllib.parse.urlsplit(args[4])
    worst, over, failed = 0.0, 0, 0
    for _ in range(count):
        t0 = time.monotonic()
        try:
            sock = socket.create_connection((u.hostname, u.port), timeout=5)
            sock.settimeout(5)
            sock.sendall(request(u))
            ok = read_status(sock) == 101
            sock.close()
        except OSError:
            ok = False
        ms = (time.monotonic() - t0) * 1000
        failed += not ok
        worst = max(worst, ms)
        over += ms > 1000
        time.sleep(every)
    out(f"max_ms {worst:.0f} over_1s {over} failed {failed}")
    return 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "upgrade":
        return upgrade(args)
    if cmd == "flood":
        return flood(args)
    if cmd == "timed-upgrade":
        return timed_upgrade(args)
    raise SystemExit(f"ws-attack.py: unknown command {cmd}")


if __name__ == "__main__":
    sys.exit(main())
