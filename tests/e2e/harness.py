"""Runs the built heraldd as a user would: its own temp directory, a config file, a plugin
directory, port 0, and real HTTP through the standard library. Every wait is bounded."""

import base64
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

HERALDD = os.environ.get("HERALDD", "heraldd")
FIXTURES = os.environ.get("HERALD_FIXTURE_PLUGIN_DIR", "")
BUNDLED = os.environ.get("HERALD_BUNDLED_PLUGIN_DIR", "")

# The hash of "admin" (600 000 PBKDF2 rounds) and of "reader" — made once with heraldd --hash-password.
_HASHES = {}


def password_hash(password):
    if password not in _HASHES:
        out = subprocess.run([HERALDD, "--hash-password"], input=password + "\n", capture_output=True,
                             text=True, timeout=60, check=True)
        _HASHES[password] = out.stdout.strip()
    return _HASHES[password]


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate until it returns a truthy value; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, what))
        time.sleep(interval)


def read_response(reader):
    """One HTTP response from a file over a raw socket: (status line, headers by lower-case name,
    body by Content-Length)."""
    status = reader.readline()
    headers = {}
    while True:
        line = reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, reader.read(int(headers.get("content-length", 0)))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None


class Server:
    """One heraldd process. plugins: file names from the bundled dir or the fixture dir."""

    def __init__(self, plugins=("rest.so", "recorder.so", "http.so"), extra_config="", users=None, workdir=None):
        self.dir = workdir or tempfile.mkdtemp(prefix="herald-e2e-")
        self.plugin_dir = os.path.join(self.dir, "plugins")
        os.makedirs(self.plugin_dir, exist_ok=True)
        for name in plugins:
            self.add_plugin(name)
        users = users if users is not None else [("admin", "admin", True, None)]
        lines = ["auth:", "  users:"] if users else ["auth:", "  users: []"]
        for login, password, superuser, permissions in users:
            lines.append("    - login: %s" % login)
            lines.append('      password_hash: "%s"' % password_hash(password))
            lines.append("      superuser: %s" % ("true" if superuser else "false"))
            if permissions:
                lines.append("      permissions: %s" % json.dumps(permissions))
        self.config = os.path.join(self.dir, "server.yaml")
        with open(self.config, "w") as f:
            f.write("server:\n  host: 127.0.0.1\n  port: 0\n")
            f.write("database:\n  url: sqlite://herald.db\n")
            f.write("plugins:\n  dir: plugins\n  settle_ms: 200\n")
            f.write("delivery:\n  workers: 4\n  retry_schedule_ms: [0, 50, 100]\n")
            f.write("\n".join(lines) + "\n")
            f.write(extra_config)
        self.proc = None
        self.url = None
        self.log_path = os.path.join(self.dir, "heraldd.log")

    def add_plugin(self, name):
        for d in (BUNDLED, FIXTURES):
            src = os.path.join(d, name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(self.plugin_dir, name))
                return
        raise FileNotFoundError(name)

    def start(self, *args, timeout=30):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([HERALDD, "--config", self.config] + list(args), stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if ready:
                line = self.proc.stdout.readline()
                if line.startswith("heraldd: listening on "):
                    self.url = line.strip().split(" ")[-1]
                    return self
                if line == "":
                    break
            if self.proc.poll() is not None:
                break
        raise AssertionError("heraldd did not announce its port: %r\n%s" % (line, self.logs()))

    def logs(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("heraldd did not stop within %ss" % timeout)
        code = self.proc.returncode if self.proc else None
        if self.proc:
            self.proc.stdout.close()
            self.log.close()
        self.proc = None
        return code

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, path, body=None, auth=("admin", "admin"), raw=None, headers=None):
        url = self.url + (path if path.startswith("/") else "/pulp/api/v2/" + path)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if auth:
            token = base64.b64encode(("%s:%s" % auth).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return Response(r.status, r.headers, r.read().decode())
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read().decode())
        except urllib.error.URLError as e:
            code = self.proc.poll() if self.proc else None
            raise AssertionError("cannot reach heraldd (%s); heraldd exit status: %s\n%s"
                                 % (e.reason, code, self.logs()[-3000:])) from e

    # Shorthands
    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
