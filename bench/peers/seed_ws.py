#!/usr/bin/python3
"""A benchmark peer: WebSocket messages to stdout lines, the seed's way.

Written like the seed's websocket.py (python3-websocket-server-blog): the
standard library only, a blocking socket and a thread per client, frames read
field by field with recv() and unmasked with a per-byte Python loop. Two things
are fixed so that it can be measured at all: recv() is repeated until a field
is complete (the seed's single recv() tears frames under load), and close
frames end the connection. Each text message becomes one line on stdout (CR
and LF as spaces), written and flushed at once under a lock.

usage: bench/peers/seed_ws.py [-a ADDR] [-p PORT]
"""
import argparse
import base64
import hashlib
import socket
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
out_lock = threading.Lock()


def is_bit_set(value, bit):
    return value & (1 << bit) != 0


def bytes_to_int(raw):
    n = 0
    for b in raw:
        n = n << 8 | b
    return n


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def receive(s):
    """Blocking call to receive one frame from the client: (opcode, data)."""
    frame_head = recv_exact(s, 2)
    assert is_bit_set(frame_head[1], 7)
    opcode = frame_head[0] & 0x0F
    payload_length = frame_head[1] & 0x7F
    if payload_length == 126:
        payload_length = bytes_to_int(recv_exact(s, 2))
    elif payload_length == 127:
        payload_length = bytes_to_int(recv_exact(s, 8))
    masking_key = recv_exact(s, 4)
    masked_data_in = recv_exact(s, payload_length)
    data = bytearray(payload_length)
    # The ith byte is the XOR of byte i of the data with masking_key[i % 4]
    for i, b in enumerate(masked_data_in):
        data[i] = b ^ masking_key[i % 4]
    return opcode, data


def handshake(s):
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionError("closed")
        request += chunk
    key = None
    for line in request.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
    if key is None:
        s.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        raise ConnectionError("no key")
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    s.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")


def client(s):
    try:
        handshake(s)
        while True:
            opcode, data = receive(s)
            if opcode == 0x8:
                s.sendall(b"\x88\x02\x03\xe8")
                break
            if opcode == 0x1:
                line = data.replace(b"\r", b" ").replace(b"\n", b" ") + b"\n"
                with out_lock:
                    sys.stdout.buffer.write(line)
                    sys.stdout.buffer.flush()
    except (ConnectionError, OSError, AssertionError):
        pass
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-a", "--addr", default="127.0.0.1")
    ap.add_argument("-p", "--port", type=int, default=8000)
    args = ap.parse_args()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.addr, args.port))
    srv.listen(128)
    print(f"seed_ws: listening on http://{args.addr}:{args.port}/", file=sys.stderr)
    try:
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=client, args=(conn,), daemon=True).start()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
