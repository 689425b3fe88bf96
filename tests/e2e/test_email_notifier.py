"""The email notifier end to end against a real SMTP server (aiosmtpd)."""

import json
import unittest

from harness import Server, wait_for
from sinks import SmtpSink


def email_config(port, enabled=True):
    return ("email:\n  enabled: %s\n  host: 127.0.0.1\n  port: %d\n  from: herald@example.com\n  timeout_ms: 5000\n"
            % ("true" if enabled else "false", port))


class EmailNotifierTest(unittest.TestCase):
    def start(self, config, *args):
        self.server = Server(plugins=["rest.so", "email.so"], extra_config=config)
        self.addCleanup(self.server.cleanup)
        self.server.start(*args)

    def settled(self, eid):
        def check():
            rep = self.server.get("event_reports/%s/" % eid).json
            d = rep["deliveries"][0]
            return d["state"] in ("delivered", "dead", "skipped") and d
        return wait_for(check, what="delivery to settle")

    def listen(self, addresses, subject="pulp notification"):
        r = self.server.post("events/", {"notifier_type_id": "email",
                                         "notifier_config": {"subject": subject, "addresses": addresses},
                                         "event_types": ["repo.sync.start"]})
        self.assertEqual(r.status, 201, r.raw)
        return r.json["id"]

    def test_two_addresses_two_messages(self):
        sink = SmtpSink()
        self.addCleanup(sink.close)
        self.start(email_config(sink.port))
        self.listen(["someone@example.com", "another@example.com"])
        payload = {"repo_id": "zoo"}
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start", "payload": payload}).json["id"]
        self.assertEqual(self.settled(eid)["state"], "delivered")
        mails = sink.messages()
        self.assertEqual(len(mails), 2)
        self.assertEqual(sorted(m["rcpt_tos"][0] for m in mails), ["another@example.com", "someone@example.com"])
        for m in mails:
            msg = m["message"]
            self.assertEqual(m["mail_from"], "herald@example.com")
            self.assertEqual(len(m["rcpt_tos"]), 1)
            self.assertEqual(msg["Subject"], "pulp notification")
            self.assertEqual(msg["From"], "herald@example.com")
            self.assertEqual(msg["To"].addresses[0].addr_spec, m["rcpt_tos"][0])
            self.assertIsNotNone(msg["Date"])
            self.assertIsNotNone(msg["Message-ID"])
            self.assertEqual(msg.get_content_type(), "text/plain")
            body = msg.get_content()
            self.assertEqual(json.loads(body), {"event_type": "repo.sync.start", "payload": payload,
                                                "call_report": None})
            self.assertTrue(body.startswith('{\n  "call_report": null,'))  # indented by 2

    def test_disabled_sends_nothing_and_is_skipped(self):
        sink = SmtpSink()
        self.addCleanup(sink.close)
        self.start(email_config(sink.port, enabled=False))
        self.listen(["someone@example.com"])
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        d = self.settled(eid)
        self.assertEqual(d["state"], "skipped")
        self.assertEqual(d["last_message"], "email is disabled (email.enabled is false)")
        self.assertEqual(sink.messages(), [])

    def test_server_down_means_retry_then_delivered_when_back(self):
        sink = SmtpSink()
        port = sink.port
        sink.close()
        self.start(email_config(port), "--set", "delivery.retry_schedule_ms=[0, 300, 300, 300, 300, 300, 300, 300, 300]")
        self.listen(["someone@example.com"])
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        first = wait_for(lambda: (lambda d: d["attempts"] >= 1 and d)(
            self.server.get("event_reports/%s/" % eid).json["deliveries"][0]), what="first attempt")
        self.assertEqual(first["attempt_log"][0]["outcome"], "retry")
        self.assertIn("cannot open an SMTP session with 127.0.0.1:%d" % port, first["attempt_log"][0]["message"])
        back = SmtpSink(port=port)
        self.addCleanup(back.close)
        self.assertEqual(self.settled(eid)["state"], "delivered")
        self.assertEqual(len(back.messages()), 1)

    def test_events_share_a_kept_open_session(self):
        sink = SmtpSink()
        self.addCleanup(sink.close)
        self.start(email_config(sink.port))
        self.listen(["someone@example.com", "other@example.com"])
        for _ in range(3):
            eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
            self.assertEqual(self.settled(eid)["state"], "delivered")
        peers = {m["peer"] for m in sink.messages()}
        self.assertEqual((len(sink.messages()), len(peers)), (6, 1))

    def test_without_idle_sessions_each_event_has_its_own(self):
        sink = SmtpSink()
        self.addCleanup(sink.close)
        self.start(email_config(sink.port) + "  idle_timeout_ms: 0\n")
        self.listen(["someone@example.com"])
        for _ in range(3):
            eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
            self.assertEqual(self.settled(eid)["state"], "delivered")
        self.assertEqual(len({m["peer"] for m in sink.messages()}), 3)

    def test_a_kept_session_the_server_dropped_is_replaced_within_the_attempt(self):
        sink = SmtpSink()
        port = sink.port
        self.start(email_config(port))
        self.listen(["someone@example.com"])
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        self.assertEqual(self.settled(eid)["state"], "delivered")
        sink.close()  # the kept-open session is now dead
        back = SmtpSink(port=port)
        self.addCleanup(back.close)
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        d = self.settled(eid)
        self.assertEqual((d["state"], d["attempts"]), ("delivered", 1))
        self.assertEqual(len(back.messages()), 1)

    def test_rejected_address_fails_for_that_address_only(self):
        sink = SmtpSink()
        self.addCleanup(sink.close)
        self.start(email_config(sink.port))
        self.listen(["someone@example.com", "reject-me@example.com"])
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        d = self.settled(eid)
        self.assertEqual(d["state"], "dead")
        self.assertIn("sent to someone@example.com", d["last_message"])
        self.assertIn("rejected for good: reject-me@example.com", d["last_message"])
        self.assertEqual(d["attempt_log"][0]["status_code"], 550)
        self.assertEqual([m["rcpt_tos"] for m in sink.messages()], [["someone@example.com"]])

    def test_addresses_must_be_a_list_of_email_addresses(self):
        self.start(email_config(25, enabled=False))
        r = self.server.post("events/", {"notifier_type_id": "email",
                                         "notifier_config": {"subject": "s", "addresses": "a@example.com"},
                                         "event_types": ["*"]})
        self.assertEqual(r.status, 400)  # Pulp iterated a string character by character
        self.assertEqual(r.json["error"]["sub_errors"][0]["data"]["pointer"], "/notifier_config/addresses")
        r = self.server.post("events/", {"notifier_type_id": "email",
                                         "notifier_config": {"subject": "s", "addresses": ["not-an-address"]},
                                         "event_types": ["*"]})
        self.assertEqual(r.json["error"]["sub_errors"][0]["data"]["pointer"], "/notifier_config/addresses/0")


if __name__ == "__main__":
    unittest.main()
