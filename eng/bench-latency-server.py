#!/usr/bin/env python3
"""A static file server for the benchmarks that answers every request after a fixed delay.

This machine's kernel has no netem, so it can't add latency to loopback. This server stands in for a server across a
real network (a CDN 20 ms away) by waiting before it answers each request. The body then goes out at full speed
with sendfile. It speaks HTTP/1.1 with keep-alive, answers GET and HEAD for files under the root, and nothing else.

    bench-latency-server.py <root> <port> <delay-ms>
"""
import asyncio
import os
import sys
import urllib.parse

ROOT, PORT, DELAY = os.path.realpath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) / 1000.0


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    loop = asyncio.get_running_loop()
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            await asyncio.sleep(DELAY)
            path = os.path.realpath(os.path.join(ROOT, urllib.parse.unquote(target.split("?", 1)[0]).lstrip("/")))
            if method not in ("GET", "HEAD") or not path.startswith(ROOT + os.sep) or not os.path.isfile(path):
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
                continue
            size = os.path.getsize(path)
            writer.write(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
            await writer.drain()
            if method == "GET":
                with open(path, "rb") as body:
                    await loop.sendfile(writer.transport, body)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=256)
    async with server:
        await server.serve_forever()


asyncio.run(main())
