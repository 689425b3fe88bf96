"""The http notifier end to end: a listener made over REST, an event fired over REST, the POST
seen by a real receiver."""

import json
import unittest

from harness import Server, wait_for
from sinks import HttpSink


class HttpNotifierTest(unittest.TestCase):
    def setUp(self):
        self.sink = HttpSink()
        self.server = Server(plugins=["rest.so", "http.so"]).start()

    def tearDown(self):
        self.server.cleanup()
        self.sink.close()

    def test_event_reaches_the_receiver(self):
        lid = self.server.post("events/", {"notifier_type_id": "http",
                                           "notifier_config": {"url": self.sink.url, "username": "u", "password": "p",
                                                               "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                                           "event_types": ["repo.sync.finish"]}).json["id"]
        doc = self.server.get("events/%s/" % lid).json
        self.assertEqual(doc["notifier_config"]["password"], "********")
        self.assertEqual(doc["notifier_config"]["secret"], "********")
        payload = {"repo_id": "zoo", "result": "success", "added_count": 3}
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.finish", "payload": payload}).json["id"]
        req = wait_for(lambda: self.sink.received(), what="the POST")[0]
        self.assertEqual(json.loads(req["body"]), {"event_type": "repo.sync.finish", "payload": payload,
                                                   "call_report": None})
        self.assertEqual(req["headers"]["content-type"], "application/json")
        self.assertEqual(req["headers"]["authorization"], "Basic dTpw")
        self.assertEqual(req["headers"]["webhook-id"], "%s-%s" % (eid, lid))
        self.assertTrue(req["headers"]["webhook-signature"].startswith("v1,"))
        rep = wait_for(lambda: (lambda r: r["deliveries"][0]["state"] == "delivered" and r)(
            self.server.get("event_reports/%s/" % eid).json), what="delivered state")
        self.assertEqual(rep["deliveries"][0]["attempt_log"][0]["status_code"], 200)

    def test_receiver_errors_are_retried_then_delivered(self):
        self.sink.status = 503
        lid = self.server.post("events/", {"notifier_type_id": "rest-api", "notifier_config": {"url": self.sink.url},
                                           "event_types": ["*"]}).json["id"]
        eid = self.server.post("event_reports/", {"event_type": "repo.publish.start"}).json["id"]
        wait_for(lambda: len(self.sink.received()) >= 1, what="first attempt")
        self.sink.status = 200
        rep = wait_for(lambda: (lambda r: r["deliveries"][0]["state"] == "delivered" and r)(
            self.server.get("event_reports/%s/" % eid).json), what="delivery after recovery")
        log = rep["deliveries"][0]["attempt_log"]
        self.assertEqual(log[0]["outcome"], "retry")
        self.assertEqual(log[0]["status_code"], 503)
        self.assertEqual(log[-1]["outcome"], "ok")
        self.assertEqual(rep["deliveries"][0]["listener_id"], lid)

    def test_invalid_http_config_is_rejected(self):
        r = self.server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": "ftp://x/"},
                                         "event_types": ["*"]})
        self.assertEqual(r.status, 400)
        self.assertEqual([s["data"]["pointer"] for s in r.json["error"]["sub_errors"]], ["/notifier_config/url"])
        r = self.server.post("events/", {"notifier_type_id": "http", "notifier_config": {},
                                         "event_types": ["*"]})
        self.assertIn("notifier_config/url: is required but missing", r.json["error_message"])


if __name__ == "__main__":
    unittest.main()
