"""WebSocket over a raw socket, for what a well-behaved library never sends.

Shared by tests/ws-client.py (--raw) and tests/ws-attack.py: frames built by
hand, the upgrade request with exactly the headers asked for, and the actions
run over the connection:
  send:TEXT      a masked text frame
  binary:TEXT    a masked binary frame
  unmasked:TEXT  an unmasked text frame (RFC 6455 forbids it)
  badutf8        a text frame that is not UTF-8
  wait-close     print "closed CODE" when the server closes (or "closed eof")
  reset          drop the TCP connection with a reset (RST)
  silent         stop reading; sleep until killed
  sleep:SECS     pause
"""
import base64
import os
import socket
import struct
import sys
import time
import urllib.parse


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def frame(opcode, payload, masked=True):
    """One final frame; unmasked only to test that the server refuses it."""
    bit = 0x80 if masked else 0
    head = bytes([0x80 | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([bit | n])
    elif n < 65536:
        head += bytes([bit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", n)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def request(u, host=None, origin=None, proto=None):
    """The upgrade request for the split URL u. Host: host, u's by default,
    none when host is ""; Origin and Sec-WebSocket-Protocol only when given."""
    key = base64.b64encode(os.urandom(16)).decode()
    path = (u.path or "/") + (("?" + u.query) if u.query else "")
    req = f"GET {path} HTTP/1.1\r\n"
    if host != "":
        req += f"Host: {host or u.netloc}\r\n"
    req += ("Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n")
    if origin:
        req += f"Origin: {origin}\r\n"
    if proto:
        req += f"Sec-WebSocket-Protocol: {proto}\r\n"
    return (req + "\r\n").encode()


def read_status(sock):
    """The response's status code; 0 when the server closed before its end."""
    resp = b""
    while b"\r\n\r\n" not in resp:
        chunk = sock.recv(1)
        if not chunk:
            return 0
        resp += chunk
    return int(resp.split(b" ")[1])


def read_close(sock, timeout):
    """The code of the server's close frame (1005 when it has none), or None
    when the connection ends (or is reset) without one."""
    data = b""
    sock.settimeout(timeout)
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        data += chunk
        while len(data) >= 2:
            op, n, off = data[0] & 0x0F, data[1] & 0x7F, 2
            if n == 126:
                n, off = struct.unpack("!H", data[2:4])[0], 4
            elif n == 127:
                n, off = struct.unpack("!Q", data[2:10])[0], 10
            if len(data) < off + n:
                break
            payload, data = data[off:off + n], data[off + n:]
            if op == 8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


def upgrade(url, timeout, first=b"", **headers):
    """A connection upgraded with request(**headers), first sent in the same
    packet; prints "open". None when the server refused: it prints "status CODE"."""
    u = urllib.parse.urlsplit(url)
    sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
    sock.sendall(request(u, **headers) + first)
    status = read_status(sock)
    if status != 101:
        out(f"status {status}")
        return None
    out("open")
    return sock


def run_actions(sock, actions, timeout, text=lambda t: t):
    """The actions in order (text() expands a TEXT); the exit status."""
    for act in actions:
        name, _, rest = act.partition(":")
        if name in ("send", "binary", "unmasked"):
            opcode = 2 if name == "binary" else 1
            sock.sendall(frame(opcode, text(rest).encode(), masked=name != "unmasked"))
        elif name == "badutf8":
            sock.sendall(frame(1, b"ok \xff\xfe bad"))
        elif name == "wait-close":
            code = read_close(sock, timeout)
            out(f"closed {'eof' if code is None else code}")
        elif name == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            out("reset")
            return 0
        elif name == "silent":
            out("silent")
            time.sleep(3600)
        elif name == "sleep":
            time.sleep(float(rest))
        else:
            raise SystemExit(f"{sys.argv[0]}: unknown raw action {act}")
    sock.close()
    return 0
