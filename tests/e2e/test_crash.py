"""kill -9 in the middle of a burst loses nothing: thousands of events at a slow receiver, heraldd
killed mid-run and restarted; every event arrives at least once. Duplicates (at-least-once) are
counted and reported."""

import sys
import threading
import unittest

from harness import Server, wait_for
from sinks import HttpSink

EVENTS = 2000
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # signed, so every request names its event (webhook-id)


class CrashTest(unittest.TestCase):
    def test_kill_9_mid_run_loses_nothing(self):
        sink = HttpSink(delay=0.002)
        self.addCleanup(sink.close)
        server = Server(plugins=["rest.so", "http.so"])
        self.addCleanup(server.cleanup)
        server.start("--set", "delivery.workers=4", "--set", "delivery.retry_schedule_ms=[0, 200, 200, 200, 200, 200]")
        server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": sink.url, "secret": SECRET},
                                "event_types": ["*"]})
        accepted = []
        lock = threading.Lock()

        def fire(n):
            for i in range(n):
                r = server.post("event_reports/", {"event_type": "repo.sync.finish", "payload": {"n": i}})
                assert r.status == 202, r.raw
                with lock:
                    accepted.append(r.json["id"])

        threads = [threading.Thread(target=fire, args=(EVENTS // 4,)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(accepted), EVENTS)
        # Kill while the slow receiver is still working through the backlog.
        wait_for(lambda: len(sink.received()) >= 200, what="some deliveries before the kill")
        server.stop(sig=9)
        before = len(sink.received())
        self.assertLess(before, EVENTS, "the backlog drained before the kill; slow the receiver down")
        server.start("--set", "delivery.workers=4")

        def arrived():
            return {r["headers"]["webhook-id"].split("-")[0] for r in sink.received()}

        wait_for(lambda: arrived() >= set(accepted), timeout=120, interval=0.5,
                 what="every accepted event at the receiver")
        received = len(sink.received())
        duplicates = received - len(arrived())
        print("\ncrash test: %d events accepted, %d requests before kill -9, %d requests in all, "
              "%d duplicates (at-least-once)" % (EVENTS, before, received, duplicates), file=sys.stderr)
        self.assertEqual(arrived(), set(accepted))


if __name__ == "__main__":
    unittest.main()
