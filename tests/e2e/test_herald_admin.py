"""herald-admin, built, driven against a live heraldd: every command, error path and exit code,
and pulp-admin's exact list rendering."""

import json
import os
import subprocess
import tempfile
import unittest

from harness import Server, wait_for

ADMIN = os.path.join(os.path.dirname(os.environ.get("HERALDD", "heraldd")), "herald-admin")


class HeraldAdminTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(plugins=["rest.so", "http.so", "email.so", "amqp.so", "recorder.so"],
                            users=[("admin", "admin", True, None),
                                   ("reader", "reader", False, {"/v2/events/": ["READ"]})]).start()
        cls.home = tempfile.mkdtemp(prefix="herald-home-")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def setUp(self):
        for l in self.server.get("events/").json:
            self.server.delete("events/%s/" % l["id"])

    def admin(self, *args, user=("admin", "admin"), server=None, env=None):
        cmd = [ADMIN, "--server", server or self.server.url]
        if user:
            cmd += ["-u", user[0], "-p", user[1]]
        e = {"HOME": self.home, "PATH": os.environ.get("PATH", "")}
        e.update(env or {})
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60, env=e,
                              stdin=subprocess.DEVNULL)

    def listeners(self):
        return self.server.get("events/").json

    # --- create / list ---------------------------------------------------------------------------
    def test_email_create_and_list_render_like_pulp_admin(self):
        r = self.admin("event", "listener", "email", "create", "--event-type=repo.sync.start",
                       "--subject=pulp notification", "--addresses=someone@redhat.com,another@redhat.com")
        self.assertEqual((r.returncode, r.stdout), (0, "Event listener successfully created\n"), r.stderr)
        lid = self.listeners()[0]["id"]
        r = self.admin("event", "listener", "list")
        self.assertEqual(r.returncode, 0)
        # Herald's listeners carry one key Pulp's lacked, "enabled"; render_document shows it.
        self.assertEqual(r.stdout,
                         "Enabled:           True\n"
                         "Event Types:       repo.sync.start\n"
                         "Id:                %s\n"
                         "Notifier Config:\n"
                         "  Addresses: someone@redhat.com, another@redhat.com\n"
                         "  Subject:   pulp notification\n"
                         "Notifier Type Id:  email\n\n" % lid)

    def test_http_create_sends_given_keys_and_masks_the_password(self):
        r = self.admin("event", "listener", "http", "create", "--event-type", "repo.sync.finish", "--event-type",
                       "repo.publish.finish", "--url", "https://ci.example.com/hook", "--username", "jcline",
                       "--password", "hunter2", "--ca-path", "/etc/ssl/ca.pem")
        self.assertEqual(r.returncode, 0, r.stderr)
        l = self.listeners()[0]
        self.assertEqual(l["event_types"], ["repo.sync.finish", "repo.publish.finish"])
        self.assertEqual(l["notifier_config"], {"url": "https://ci.example.com/hook", "username": "jcline",
                                                "password": "********", "ca_path": "/etc/ssl/ca.pem"})
        out = self.admin("event", "listener", "list").stdout
        self.assertIn("  CA Path:  /etc/ssl/ca.pem\n", out)
        self.assertIn("  Password: ********\n", out)
        self.assertIn("  URL:      https://ci.example.com/hook\n", out)
        self.assertNotIn("hunter2", out)
        raw = json.loads(self.admin("event", "listener", "list", "--output", "json").stdout)
        self.assertEqual(raw[0]["_ns"], "event_listeners")

    def test_amqp_exchange_rules(self):
        self.assertEqual(self.admin("event", "listener", "amqp", "create", "--event-type", "*").returncode, 0)
        self.assertEqual(self.listeners()[0]["notifier_config"], {})
        lid = self.listeners()[0]["id"]
        r = self.admin("event", "listener", "amqp", "update", "--listener-id", lid, "--exchange", "pulp")
        self.assertEqual(r.stdout, "Event listener successfully updated\n")
        self.assertEqual(self.listeners()[0]["notifier_config"], {"exchange": "pulp"})
        self.admin("event", "listener", "amqp", "update", "--listener-id", lid, "--exchange", "")
        self.assertEqual(self.listeners()[0]["notifier_config"], {"exchange": ""})  # sent even when empty

    # --- update / delete ---------------------------------------------------------------------------
    def test_update_sends_only_what_was_given(self):
        self.admin("event", "listener", "email", "create", "--event-type", "*", "--subject", "s",
                   "--addresses", "a@example.com")
        lid = self.listeners()[0]["id"]
        r = self.admin("event", "listener", "email", "update", "--listener-id", lid, "--subject", "new")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(self.listeners()[0]["notifier_config"], {"subject": "new", "addresses": ["a@example.com"]})
        self.admin("event", "listener", "email", "update", "--listener-id", lid, "--event-type", "repo.sync.start")
        self.assertEqual(self.listeners()[0]["event_types"], ["repo.sync.start"])

    def test_update_without_changes_contacts_no_server(self):
        r = self.admin("event", "listener", "http", "update", "--listener-id", "x", server="http://127.0.0.1:1")
        self.assertEqual((r.returncode, r.stdout), (0, "No changes were made\n"))

    def test_delete(self):
        self.admin("event", "listener", "amqp", "create", "--event-type", "*")
        lid = self.listeners()[0]["id"]
        r = self.admin("event", "listener", "delete", "--listener-id", lid)
        self.assertEqual((r.returncode, r.stdout), (0, "Event listener successfully deleted\n"))
        self.assertEqual(self.listeners(), [])

    # --- errors ------------------------------------------------------------------------------------
    def test_not_found_is_65_with_pulp_admins_form(self):
        r = self.admin("event", "listener", "delete", "--listener-id", "nope")
        self.assertEqual(r.returncode, 65)
        self.assertEqual(r.stderr, "The following resource(s) could not be found:\n  nope (event_listener)\n")

    def test_bad_data_is_65_with_the_description_and_sub_errors(self):
        r = self.admin("event", "listener", "http", "create", "--event-type", "repo.bogus", "--url", "http://x/")
        self.assertEqual((r.returncode, r.stderr), (65, "Invalid properties: ['event_types']\n"))
        r = self.admin("event", "listener", "http", "create", "--event-type", "*", "--url", "gopher://x/")
        self.assertEqual(r.returncode, 65)
        self.assertIn("  /notifier_config/url: must match the pattern", r.stderr)

    def test_permission_errors_are_77(self):
        r = self.admin("event", "listener", "list", user=("admin", "wrong"))
        self.assertEqual(r.returncode, 77)
        self.assertIn("The specified user does not have permission to execute the given command", r.stderr)
        self.assertEqual(self.admin("event", "listener", "list", user=("reader", "reader")).returncode, 0)
        r = self.admin("event", "listener", "amqp", "create", "--event-type", "*", user=("reader", "reader"))
        self.assertEqual(r.returncode, 77)
        self.assertIn("cannot perform CREATE", r.stderr)
        self.assertEqual(self.admin("event", "listener", "list", user=None).returncode, 77)

    def test_server_down_is_one_line(self):
        r = self.admin("event", "listener", "list", server="http://127.0.0.1:1")
        self.assertEqual(r.returncode, 70)
        self.assertEqual(r.stderr.count("\n"), 1)
        self.assertIn("cannot reach the server at http://127.0.0.1:1", r.stderr)

    def test_usage_errors_are_2(self):
        r = self.admin("event", "listener", "email", "create", "--subject", "s")
        self.assertEqual(r.returncode, 2)
        self.assertIn("The following options are required but were not specified:\n  --event-type\n  --addresses", r.stderr)
        self.assertEqual(self.admin("event", "nothing").returncode, 2)
        self.assertEqual(self.admin("event", "listener", "list", "--bogus").returncode, 2)
        self.assertEqual(self.admin("event").returncode, 2)

    def test_help_at_every_level(self):
        for words in ([], ["event"], ["event", "listener"], ["event", "listener", "email"],
                      ["event", "listener", "email", "create"], ["event", "fire"]):
            r = self.admin(*(words + ["--help"]))
            self.assertEqual(r.returncode, 0, words)
            self.assertTrue(r.stdout.startswith("Usage:") or r.stdout.startswith("Command:")
                            or r.stdout.startswith("Global options"), r.stdout)
        create_help = " ".join(self.admin("event", "listener", "email", "create", "--help").stdout.split())
        self.assertIn('"repo.sync.start", "repo.sync.finish", "repo.publish.start"', create_help)
        self.assertIn("Examples:", create_help)
        self.assertIn("amqp - manage amqp listeners", self.admin("event", "listener", "--help").stdout)
        self.assertIn("Examples:", self.admin("--help").stdout)

    # --- generic types, fire, types ------------------------------------------------------------------
    def test_generic_create_and_update_for_any_plugin_type(self):
        out = os.path.join(self.server.dir, "rec.jsonl")
        r = self.admin("event", "listener", "create", "--notifier-type", "recorder", "--event-type", "*",
                       "--config", "file=" + out, "--config", "retry_times=2", "--config", "tags=a,b")
        self.assertEqual(r.returncode, 0, r.stderr)
        l = self.listeners()[0]
        self.assertEqual(l["notifier_config"], {"file": out, "retry_times": 2, "tags": ["a", "b"]})
        r = self.admin("event", "listener", "update", "--listener-id", l["id"], "--config", "retry_times=",
                       "--config", "outcome=skipped")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.listeners()[0]["notifier_config"], {"file": out, "tags": ["a", "b"], "outcome": "skipped"})

    def test_generic_values_are_checked_before_sending(self):
        r = self.admin("event", "listener", "create", "--notifier-type", "http", "--event-type", "*",
                       "--config", "url=http://x/", "--config", "timeout_ms=5")
        self.assertEqual(r.returncode, 65)
        self.assertEqual(r.stderr, "--config timeout_ms: must be at least 100\n")
        r = self.admin("event", "listener", "create", "--notifier-type", "http", "--event-type", "*")
        self.assertEqual((r.returncode, r.stderr), (65, "--config url: is required but missing\n"))
        r = self.admin("event", "listener", "create", "--notifier-type", "pager", "--event-type", "*")
        self.assertEqual(r.returncode, 65)
        self.assertIn("The server has no notifier type 'pager'", r.stderr)
        self.assertEqual(self.listeners(), [])

    def test_fire_and_types(self):
        self.admin("event", "listener", "amqp", "create", "--event-type", "repo.sync.start")
        lid = self.listeners()[0]["id"]
        r = self.admin("event", "fire", "--event-type", "repo.sync.start", "--payload", '{"repo_id": "zoo"}')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Matched listeners: %s" % lid, r.stdout)
        self.assertEqual(self.admin("event", "fire", "--event-type", "repo.sync.start", "--payload", "{").returncode, 2)
        r = self.admin("event", "types")
        self.assertIn("Id:           http", r.stdout)
        self.assertIn("  URL:        (required)", r.stdout)
        self.assertIn("  Password:   (secret)", r.stdout)

    def test_credentials_from_environment_and_admin_yaml(self):
        env = {"HERALD_SERVER": self.server.url, "HERALD_USER": "admin", "HERALD_PASSWORD": "admin"}
        r = subprocess.run([ADMIN, "event", "listener", "list"], capture_output=True, text=True, env=dict(env, HOME=self.home))
        self.assertEqual(r.returncode, 0, r.stderr)
        home = tempfile.mkdtemp(prefix="herald-home-")
        os.makedirs(os.path.join(home, ".herald"))
        with open(os.path.join(home, ".herald", "admin.yaml"), "w") as f:
            f.write("server: %s\nusername: reader\npassword: reader\n" % self.server.url)
        r = subprocess.run([ADMIN, "event", "listener", "list"], capture_output=True, text=True, env={"HOME": home})
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([ADMIN, "event", "listener", "amqp", "create", "--event-type", "*"], capture_output=True,
                           text=True, env={"HOME": home})
        self.assertEqual(r.returncode, 77)  # reader may not create
        with open(os.path.join(home, ".herald", "admin.yaml"), "a") as f:
            f.write("colour: blue\n")
        r = subprocess.run([ADMIN, "event", "listener", "list"], capture_output=True, text=True, env={"HOME": home})
        self.assertEqual(r.returncode, 2)
        self.assertIn("admin.yaml:4: key 'colour' is not allowed", r.stderr)


    def test_deliveries_and_redeliver(self):
        out = os.path.join(self.server.dir, "dl.jsonl")
        self.admin("event", "listener", "create", "--notifier-type", "recorder", "--event-type", "*",
                   "--config", "file=" + out, "--config", "outcome=failed")
        lid = self.listeners()[0]["id"]
        for _ in range(2):
            self.admin("event", "fire", "--event-type", "repo.sync.start")
        wait_for(lambda: self.server.get("events/%s/deliveries/?state=dead" % lid).json["total"] == 2,
                 what="two dead deliveries")
        r = self.admin("event", "deliveries", "--listener-id", lid, "--state", "dead")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("State:            dead", r.stdout)
        self.assertIn("Showing 2 of 2 deliveries", r.stdout)
        r = self.admin("event", "redeliver", "--listener-id", lid, "--state", "dead", "--dry-run")
        self.assertEqual((r.returncode, r.stdout), (0, "Would redeliver 2 deliveries\n"))
        r = self.admin("event", "redeliver", "--listener-id", lid, "--state", "dead")
        self.assertEqual((r.returncode, r.stdout), (0, "Queued for redelivery: 2 deliveries\n"))
        did = self.server.get("events/%s/deliveries/" % lid).json["deliveries"][0]["id"]
        r = self.admin("event", "redeliver", "--delivery-id", did)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.admin("event", "redeliver").returncode, 2)
        self.assertEqual(self.admin("event", "redeliver", "--delivery-id", "nope").returncode, 65)
        self.assertEqual(self.admin("event", "deliveries", "--listener-id", lid, "--state", "odd").returncode, 65)

if __name__ == "__main__":
    unittest.main()
