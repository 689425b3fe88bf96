"""TLS everywhere it is offered: the REST API over HTTPS (server.tls), herald-admin against it
(--ca-path, --insecure), and the email plugin with STARTTLS and implicit TLS."""

import json
import os
import signal
import socket
import ssl
import subprocess
import tempfile
import unittest
import urllib.request

from harness import Server, read_response, wait_for
from sinks import SmtpSink, make_certs

ADMIN = os.path.join(os.path.dirname(os.environ.get("HERALDD", "heraldd")), "herald-admin")


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="herald-tls-")
        cls.ca, cls.cert, cls.key = make_certs(cls.dir)

    def test_rest_api_over_https_and_herald_admin(self):
        server = Server(plugins=["rest.so", "amqp.so"])
        self.addCleanup(server.cleanup)
        server.start("--set", "server.tls.cert=" + self.cert, "--set", "server.tls.key=" + self.key)
        self.assertTrue(server.url.startswith("https://127.0.0.1:"), server.url)
        ctx = ssl.create_default_context(cafile=self.ca)
        with urllib.request.urlopen(server.url + "/pulp/api/v2/status/", context=ctx, timeout=10) as r:
            self.assertEqual(json.loads(r.read())["api_version"], "2")
        with self.assertRaises(Exception):  # untrusted without the CA
            urllib.request.urlopen(server.url + "/pulp/api/v2/status/", context=ssl.create_default_context(), timeout=10)
        base = [ADMIN, "--server", server.url, "-u", "admin", "-p", "admin"]
        r = subprocess.run(base[:3] + ["--ca-path", self.ca] + base[3:] + ["event", "listener", "amqp", "create",
                                                                          "--event-type", "*"],
                           capture_output=True, text=True, timeout=60, env={"HOME": self.dir})
        self.assertEqual((r.returncode, r.stdout), (0, "Event listener successfully created\n"), r.stderr)
        r = subprocess.run(base + ["event", "listener", "list"], capture_output=True, text=True, timeout=60,
                           env={"HOME": self.dir})
        self.assertEqual(r.returncode, 70)  # the certificate is not trusted: refused, one line
        self.assertIn("cannot reach the server", r.stderr)
        r = subprocess.run(base[:3] + ["--insecure"] + base[3:] + ["event", "listener", "list"], capture_output=True,
                           text=True, timeout=60, env={"HOME": self.dir})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Notifier Type Id:  amqp", r.stdout)

    def test_https_keep_alive_requests_and_a_stop_that_does_not_wait_for_idle_ones(self):
        server = Server()
        self.addCleanup(server.cleanup)
        server.start("--set", "server.tls.cert=" + self.cert, "--set", "server.tls.key=" + self.key)
        port = int(server.url.rsplit(":", 1)[1])
        ctx = ssl.create_default_context(cafile=self.ca)
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.addCleanup(raw.close)
        c = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        reader = c.makefile("rb")
        for _ in range(2):  # two requests on one kept-alive connection
            c.sendall(b"GET /pulp/api/v2/status/ HTTP/1.1\r\nHost: x\r\n\r\n")
            status, _, body = read_response(reader)
            self.assertEqual(status, b"HTTP/1.1 200 OK\r\n")
            self.assertIn(b'"api_version"', body)
        server.proc.send_signal(signal.SIGTERM)
        # Well inside the 10 s keep-alive wait the idle connection would otherwise hold.
        self.assertEqual(server.proc.wait(5), 0)

    def check_email(self, mode, key):
        sink = SmtpSink(tls=(mode, self.cert, self.key))
        self.addCleanup(sink.close)
        server = Server(plugins=["rest.so", "email.so"],
                        extra_config="email:\n  enabled: true\n  host: 127.0.0.1\n  port: %d\n  %s: true\n"
                                     "  ca_path: %s\n  timeout_ms: 5000\n" % (sink.port, key, self.ca))
        self.addCleanup(server.cleanup)
        server.start()
        server.post("events/", {"notifier_type_id": "email",
                                "notifier_config": {"subject": "tls", "addresses": ["a@example.com"]},
                                "event_types": ["*"]})
        eid = server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        d = wait_for(lambda: (lambda x: x["state"] in ("delivered", "dead") and x)(
            server.get("event_reports/%s/" % eid).json["deliveries"][0]), what="the mail")
        self.assertEqual(d["state"], "delivered", d["last_message"])
        self.assertEqual(len(sink.messages()), 1)

    def test_email_with_starttls(self):
        self.check_email("starttls", "starttls")

    def test_email_with_implicit_tls(self):
        self.check_email("implicit", "implicit_tls")


if __name__ == "__main__":
    unittest.main()
