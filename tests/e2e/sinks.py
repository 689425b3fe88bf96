"""Real receivers for end-to-end tests, on 127.0.0.1 and a free port."""

import email
import email.policy
import http.server
import json
import os
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time


class HttpSink:
    """A threaded HTTP server that records every request. It answers `status`, or the next
    entry of `script` while there is one, after `delay` seconds."""

    def __init__(self, status=200, script=None, delay=0.0, port=0):
        self.requests = []
        self.status = status
        self.script = list(script or [])
        self.delay = delay
        self.lock = threading.Lock()
        self.active = 0
        self.most_active = 0  # the most requests being answered at the same moment
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink.lock:
                    sink.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body.decode(), "t": time.time()})
                    status = sink.script.pop(0) if sink.script else sink.status
                    delay = sink.delay
                    sink.active += 1
                    sink.most_active = max(sink.most_active, sink.active)
                if delay:
                    time.sleep(delay)
                with sink.lock:
                    sink.active -= 1
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return "http://127.0.0.1:%d/hook" % self.port

    def received(self):
        with self.lock:
            return list(self.requests)

    def bodies(self):
        return [json.loads(r["body"]) for r in self.received()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """tests/sinks/smtp_sink.py (aiosmtpd) in a child process; messages land in a JSON-lines file."""

    SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sinks", "smtp_sink.py")

    def __init__(self, port=0, tls=None):
        """tls: None, or (mode, cert, key) with mode "starttls" or "implicit"."""
        self.dir = tempfile.mkdtemp(prefix="herald-smtp-")
        self.out = os.path.join(self.dir, "mails.jsonl")
        # stderr to a file: a sink must never hold the test runner's own output open.
        self.errors = open(os.path.join(self.dir, "sink.err"), "w")
        self.proc = subprocess.Popen(["/usr/bin/python3", self.SCRIPT, self.out, str(port)] + list(tls or ()),
                                     stdout=subprocess.PIPE, stderr=self.errors, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.proc.kill()
            self.proc.wait(10)
            with open(os.path.join(self.dir, "sink.err")) as f:
                raise AssertionError("the SMTP sink did not start: %r\n%s" % (line, f.read()))
        self.port = int(line.split()[-1])

    def messages(self):
        """Each accepted message parsed with the standard library's email package."""
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            records = [json.loads(l) for l in f if l.strip()]
        return [dict(r, message=email.message_from_string(r["data"], policy=email.policy.default)) for r in records]

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # never leave a sink behind holding the test runner's pipes
            self.proc.wait(10)
        self.proc.stdout.close()
        self.errors.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def make_certs(directory):
    """A test CA and a certificate for 127.0.0.1 signed by it (openssl command line):
    returns (ca.pem, server.pem, server.key)."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)
    d = directory
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out", d + "/ca.pem", "-days", "2",
        "-subj", "/CN=Herald Test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj",
        "/CN=127.0.0.1")
    run("x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial",
        "-out", d + "/server.pem", "-days", "2", "-extfile", d + "/san.ext")
    return d + "/ca.pem", d + "/server.pem", d + "/server.key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RabbitBroker:
    """A private RabbitMQ node (tests/services/rabbitmq.sh) on free ports."""

    SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "services", "rabbitmq.sh")

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="herald-rmq-")
        self.ports = [str(free_port()) for _ in range(3)]
        self.port = int(self.ports[0])
        self.url = "amqp://guest:guest@127.0.0.1:%d/" % self.port

    def _run(self, cmd):
        subprocess.run(["bash", self.SCRIPT, cmd, self.dir] + self.ports, check=True, timeout=180)

    def start(self):
        self._run("start")
        return self

    def stop(self):
        self._run("stop")

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def consumer(self, exchange, binding):
        """A pika channel with an exclusive queue bound to `exchange` with `binding`."""
        import pika
        conn = pika.BlockingConnection(pika.URLParameters(self.url))
        ch = conn.channel()
        ch.exchange_declare(exchange, exchange_type="topic", durable=True, passive=exchange.startswith("amq."))
        q = ch.queue_declare("", exclusive=True).method.queue
        ch.queue_bind(q, exchange, routing_key=binding)
        return conn, ch, q
