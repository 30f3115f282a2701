"""A real HTTP server on loopback that answers from a script, for service contracts."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubServer:
    """Answers each request with the next scripted (status, body) for its path.

    The last answer for a path repeats. Requests are recorded as
    (method, path, headers, body bytes).
    """

    def __init__(self):
        self.script: dict[str, list[tuple[int, object]]] = {}
        self.requests: list[tuple[str, str, dict, bytes]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, dict(self.headers), body))
                answers = stub.script.get(self.path.split("?")[0]) or [(404, {"error": "no such path"})]
                status, payload = answers.pop(0) if len(answers) > 1 else answers[0]
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str, *answers: tuple[int, object]) -> None:
        self.script[path] = list(answers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


CRITERIA = ["task_response", "coherence_cohesion", "lexical_resource", "grammatical_range_accuracy"]


def scored(band: float = 6.5, model: str = "platform-scorer-3") -> tuple[int, dict]:
    """A scoring service's answer: the overall band and every criterion at ``band``."""
    return 200, {"overall_band_score": band, "model_used": model,
                 "criteria_scores": [{"criterion": c, "band_score": band} for c in CRITERIA]}
