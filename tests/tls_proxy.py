"""A TLS front for the test Valkey, as managed Redis services put one before theirs.

The embedded Valkey binary is built without TLS, so ``rediss://`` is tested
through this proxy: real TLS on loopback (certificates from trustme), plain
RESP to the server's unix socket behind it.
"""

from __future__ import annotations

import asyncio
import ssl
import threading


class TlsProxy:
    def __init__(self, upstream_socket: str, server_context: ssl.SSLContext):
        self.upstream_socket = upstream_socket
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        async def start():
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=server_context)
            self.port = self.server.sockets[0].getsockname()[1]

        def run():
            self.loop.run_until_complete(start())
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        started.wait(10)

    async def _serve(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_unix_connection(self.upstream_socket)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()
