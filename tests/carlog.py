#!/usr/bin/python3
"""A car on a UNIX socket that logs every byte it reads with its arrival time.

usage: carlog.py SOCKET LOG
One connection at a time, like the car. Each byte becomes a line
"MONOTONIC_NS HEX" in LOG, written as it arrives. SIGSTOP this process to
make a car that stopped reading; SIGCONT and it reads again.
"""
import os
import socket
import sys
import time

path, log = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
while True:
    conn, _ = srv.accept()
    while True:
        data = conn.recv(65536)
        if not data:
            break
        t = time.monotonic_ns()
        os.write(fd, "".join(f"{t} {b:02x}\n" for b in data).encode())
    conn.close()
