"""TLS fronts on loopback, with certificates from trustme.

``TlsProxy`` stands before the test Valkey, as managed Redis services put one
before theirs: the embedded Valkey binary is built without TLS, so
``rediss://`` is tested through it (plain RESP to the server's unix socket
behind it). ``HttpsFront`` stands before the dashboard as a platform's router
does: https on an address of its own, plain HTTP to the dashboard with
X-Forwarded-Proto, -Host and -For.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import ssl
import threading
from urllib.parse import urlsplit


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


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class HttpsFront:
    """A reverse proxy terminating TLS on ``address`` (any free port) for the HTTP server at ``upstream``.

    It connects to the upstream from ``address`` too, so the upstream sees the
    proxy's own address as the peer, as it would a router on another host.
    """

    def __init__(self, upstream: str, address: str):
        import trustme

        authority = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        authority.issue_cert(address).configure_cert(context)
        target = urlsplit(upstream)
        handler = type("Handler", (_Forward,), {"upstream": (target.hostname, target.port), "source": address})
        self.server = http.server.ThreadingHTTPServer((address, 0), handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int]
    source: str

    def do_GET(self):
        self._forward()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_GET

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-Host": self.headers.get("Host", ""),
                        "X-Forwarded-For": self.client_address[0]})
        upstream = http.client.HTTPConnection(*self.upstream, timeout=60, source_address=(self.source, 0))
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def log_message(self, format, *args):  # quiet: the tests read the pages, not a log
        pass
