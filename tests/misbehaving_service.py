"""A real HTTP server on loopback that misbehaves as services do: hangs, trickles, floods, says 'later'."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class MisbehavingService:
    """``behaviour`` is one of: hang, trickle, huge, endless, retry_after, ok, slow_ok."""

    def __init__(self, behaviour: str, body: bytes = b"{}"):
        self.requests = 0
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                service.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                getattr(self, behaviour)()

            def hang(self):
                time.sleep(30)

            def trickle(self):  # a valid answer, one byte every 0.2 s
                self._headers(200, len(body))
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)

            def huge(self):  # declares 2 GB and starts sending it
                self._headers(200, 2 * 1024 ** 3)
                self._zeros(8 * 1024 * 1024)

            def endless(self):  # no length, never ends
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self._zeros(None)

            def retry_after(self):
                self.send_response(503)
                self.send_header("Retry-After", "3600")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def ok(self):
                self._headers(200, len(body))
                self.wfile.write(body)

            def slow_ok(self):  # a busy service: a fifth of a second per answer
                time.sleep(0.2)
                self.ok()

            def _headers(self, status, length):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(length))
                self.end_headers()

            def _zeros(self, total):
                block, sent = b"0" * 65536, 0
                try:
                    while total is None or sent < total:
                        self.wfile.write(block)
                        sent += len(block)
                except OSError:
                    pass  # the client hung up, as it should

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
