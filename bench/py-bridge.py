#!/usr/bin/python3
"""The same job as ws-bridge on python3-websockets, for bench/ws-bridge:
each text message becomes one line (one write) on stdout."""
import asyncio
import os
import sys

import websockets


async def handler(ws, path=None):
    async for msg in ws:
        os.write(1, (msg.replace("\n", " ").replace("\r", " ") + "\n").encode())


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, ping_interval=None,
                                max_size=4096):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
