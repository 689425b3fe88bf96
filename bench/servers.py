"""The servers a benchmark needs, started on private ports and stopped afterwards: nginx (the
sink and the wrk baseline), heraldd (from tests/e2e/harness.py), RabbitMQ and aiosmtpd."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from harness import Server, wait_for  # noqa: E402  (shared with the end-to-end tests)
from sinks import RabbitBroker, SmtpSink, free_port  # noqa: E402

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location /hook {{ return 200 "ok"; }}
    location /ingest {{ return 202 "{{}}"; }}
    location /status {{ stub_status; }}
  }}
}}
"""


class Nginx:
    """nginx answering 200 on /hook and 202 on /ingest; /status counts requests."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="herald-nginx-")
        self.port = free_port()
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(["nginx", "-c", os.path.join(self.dir, "nginx.conf"), "-p", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._up, what="nginx")

    def _up(self):
        try:
            return self.requests() >= 0
        except OSError:
            return False

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def requests(self):
        """Requests handled so far (stub_status), the status request itself excluded."""
        with urllib.request.urlopen(self.url("/status"), timeout=5) as r:
            text = r.read().decode()
        return int(re.search(r"\n\s*\d+\s+\d+\s+(\d+)", text).group(1)) - 1

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


WRK_POST = """
wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
{auth}
"""


def wrk(url, seconds, connections, body, auth=None):
    """wrk POSTing `body` to `url`: returns (requests/s, requests, non-2xx responses)."""
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    header = ""
    if auth:
        import base64
        header = 'wrk.headers["Authorization"] = "Basic %s"' % base64.b64encode(("%s:%s" % auth).encode()).decode()
    script.write(WRK_POST.format(body=body, auth=header))
    script.close()
    threads = min(2, connections)
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "-s", script.name, url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, total, int(bad.group(1)) if bad else 0


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def heraldd(plugins=("rest.so", "http.so"), extra_config="", args=()):
    """A heraldd tuned for load: warn-level logs, workers by argument."""
    s = Server(plugins=plugins, extra_config=extra_config)
    s.start("--log-level", "warn", *args)
    return s
