"""Real receivers for end-to-end tests, on 127.0.0.1 and a free port."""

import http.server
import json
import threading


class HttpSink:
    """A threaded HTTP server that records every request and answers `status`."""

    def __init__(self, status=200):
        self.requests = []
        self.status = status
        self.lock = threading.Lock()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink.lock:
                    sink.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body.decode()})
                    status = sink.status
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.server.server_address[1]

    def received(self):
        with self.lock:
            return list(self.requests)

    def bodies(self):
        return [json.loads(r["body"]) for r in self.received()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
