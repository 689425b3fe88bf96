"""heraldd's command line (CONTRACT §2): exit codes, and errors that name file, line and key."""

import json
import os
import subprocess
import unittest

from harness import HERALDD, Server


def run(*args, stdin=None):
    return subprocess.run([HERALDD] + list(args), input=stdin, capture_output=True, text=True, timeout=60)


class CommandLineTest(unittest.TestCase):
    def setUp(self):
        self.server = Server(plugins=["rest.so", "recorder.so"])

    def tearDown(self):
        self.server.cleanup()

    def write_config(self, text):
        path = os.path.join(self.server.dir, "c.yaml")
        with open(path, "w") as f:
            f.write("plugins:\n  dir: plugins\n" + text)
        return path

    def test_version_and_help(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^heraldd \d+\.\d+\.\d+ \(plugin ABI 1\.3\)\nallocator: (jemalloc \d|system\n)")
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        for opt in ("--config", "--set", "--check-config", "--list-plugins", "--describe-plugin", "--hash-password"):
            self.assertIn(opt, r.stdout)

    def test_threads_are_named_for_what_they_do(self):
        self.server.start()
        # The committer starts with the first write it is handed.
        self.assertEqual(self.server.post("event_reports/", {"event_type": "repo.sync.finish"}).status, 202)
        names = set()
        for tid in os.listdir("/proc/%d/task" % self.server.proc.pid):
            with open("/proc/%d/task/%s/comm" % (self.server.proc.pid, tid)) as f:
                names.add(f.read().strip())
        for expected in ("herald-commit", "herald-deliver", "herald-ckpt", "herald-lease", "rest-loop", "rest-worker"):
            self.assertIn(expected, names)

    def test_bad_command_line_exits_2(self):
        self.assertEqual(run("--no-such-option").returncode, 2)
        self.assertEqual(run("--log-level", "loud").returncode, 2)

    def test_check_config_ok(self):
        r = run("--check-config", "--config", self.server.config)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)

    def test_check_config_names_file_line_and_key(self):
        path = self.write_config("server:\n  port: 80\n  prot: 1\nlogging:\n  level: loud\n")
        r = run("--check-config", "--config", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:5: key 'server.prot' is not an allowed key; allowed keys: host, loop_threads, max_body_bytes, "
                      "max_queued, port, threads, tls" % path, r.stderr)
        self.assertIn("%s:7: key 'logging.level' must be one of" % path, r.stderr)

    def test_unknown_section_and_bad_set(self):
        path = self.write_config("databse: {}\n")
        r = run("--check-config", "--config", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:3: key 'databse' is not an allowed key; allowed keys: auth, database, delivery, events, "
                      "logging, plugins, server" % path, r.stderr)
        r = run("--check-config", "--config", self.server.config, "--set", "server.port=high")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--set server.port=high: key 'server.port' must be of type integer, not string", r.stderr)

    def test_env_expansion(self):
        path = self.write_config("server:\n  port: ${HERALD_E2E_PORT}\n")
        env = dict(os.environ, HERALD_E2E_PORT="1234")
        r = subprocess.run([HERALDD, "--check-config", "--config", path], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        env.pop("HERALD_E2E_PORT")
        r = subprocess.run([HERALDD, "--check-config", "--config", path], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:4: key 'server.port': environment variable HERALD_E2E_PORT is not set" % path, r.stderr)

    def test_running_with_a_bad_config_exits_1(self):
        path = self.write_config("delivery:\n  workers: 0\n")
        r = run("--config", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("%s:4: key 'delivery.workers' must be at least 1" % path, r.stderr)

    def test_check_config_fails_on_a_refused_plugin(self):
        self.server.add_plugin("abi_major.so")
        r = run("--check-config", "--config", self.server.config)
        self.assertEqual(r.returncode, 1)
        self.assertIn("abi_major.so refused: wrong ABI major version", r.stderr)

    def test_list_and_describe_plugins(self):
        r = run("--list-plugins", "--config", self.server.config)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"recorder\s+notifier\s+tape\s+0\.1\.0\s+1\.3\s+\S+recorder\.so")
        self.assertRegex(r.stdout, r"rest\s+service")
        r = run("--describe-plugin", "tape", "--config", self.server.config)
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout.split("\n\n")[0])
        self.assertEqual(doc["id"], "recorder")
        self.assertEqual(doc["config_schema"]["required"], ["file"])
        r = run("--describe-plugin", "rest", "--config", self.server.config)
        self.assertIn("server", json.loads(r.stdout.split("\n\n")[0])["server_schema"]["properties"])
        self.assertEqual(run("--describe-plugin", "nope", "--config", self.server.config).returncode, 1)

    def test_hash_password(self):
        r = run("--hash-password", stdin="s3cret\n")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.strip(), r"^\$pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$")
        self.assertNotEqual(run("--hash-password", stdin="s3cret\n").stdout, r.stdout)  # salted
        self.assertEqual(run("--hash-password", stdin="").returncode, 1)

    def test_listening_line_and_clean_stop(self):
        self.server.start()
        self.assertRegex(self.server.url, r"^http://127\.0\.0\.1:\d+$")
        self.assertEqual(self.server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
