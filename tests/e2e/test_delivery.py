"""Durable delivery through heraldd: retries, dead letters, gone, the delivery log, replays,
per-listener bounds and schedules, wildcard subscriptions, task reports."""

import json
import os
import time
import unittest

from harness import Server, read_jsonl, wait_for
from sinks import HttpSink


class DeliveryTest(unittest.TestCase):
    def setUp(self):
        self.server = Server(plugins=["rest.so", "http.so", "recorder.so"])
        self.addCleanup(self.server.cleanup)

    def start(self, *args):
        self.server.start("--set", "delivery.retry_schedule_ms=[0, 100, 100, 100, 100, 100]", *args)

    def sink(self, **kw):
        s = HttpSink(**kw)
        self.addCleanup(s.close)
        return s

    def listen(self, url, types=("*",), **extra):
        body = {"notifier_type_id": "http", "notifier_config": {"url": url}, "event_types": list(types)}
        body.update(extra)
        r = self.server.post("events/", body)
        self.assertEqual(r.status, 201, r.raw)
        return r.json["id"]

    def fire(self, event_type="repo.sync.start", **extra):
        r = self.server.post("event_reports/", dict({"event_type": event_type}, **extra))
        self.assertEqual(r.status, 202, r.raw)
        return r.json["id"]

    def delivery(self, eid, state=("delivered", "dead", "skipped"), timeout=10):
        def check():
            d = self.server.get("event_reports/%s/" % eid).json["deliveries"][0]
            return d["state"] in state and d
        return wait_for(check, timeout=timeout, what="delivery in %s" % (state,))

    def test_attempts_made_before_sigterm_are_recorded(self):
        # Workers hand their attempts to the write queue without waiting for the commit; SIGTERM
        # must still commit every one of them. The restart has no http plugin, so a delivery whose
        # attempt was lost would show up pending (and could not be delivered again to hide it).
        sink = self.sink()
        self.start("--set", "delivery.workers=4")
        self.listen(sink.url)
        ids = [self.fire() for _ in range(200)]
        wait_for(lambda: len(sink.received()) >= len(ids), what="every event at the receiver")
        self.assertEqual(self.server.stop(), 0)
        os.remove(os.path.join(self.server.plugin_dir, "http.so"))
        self.start()
        for eid in ids:
            d = self.server.get("event_reports/%s/" % eid).json["deliveries"][0]
            self.assertEqual((d["state"], len(d["attempt_log"])), ("delivered", 1), d)
            self.assertEqual(d["attempt_log"][0]["outcome"], "ok", d)

    def test_500_three_times_then_200_is_delivered_on_the_fourth_attempt(self):
        self.start()
        sink = self.sink(script=[500, 500, 500])
        self.listen(sink.url)
        d = self.delivery(self.fire())
        self.assertEqual(d["state"], "delivered")
        self.assertEqual(d["attempts"], 4)
        self.assertEqual([a["outcome"] for a in d["attempt_log"]], ["retry", "retry", "retry", "ok"])
        self.assertEqual([a["status_code"] for a in d["attempt_log"]], [500, 500, 500, 200])
        self.assertEqual({r["headers"].get("user-agent", "")[:7] for r in sink.received()}, {"Herald/"})

    def test_receiver_down_for_a_while_then_up_gets_everything(self):
        self.start("--set", "delivery.retry_schedule_ms=[0, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]")
        first = self.sink()
        port = first.port
        self.listen(first.url)
        first.close()
        eids = [self.fire() for _ in range(20)]
        wait_for(lambda: all(self.server.get("event_reports/%s/" % e).json["deliveries"][0]["attempts"] >= 1
                             for e in eids), what="first attempts while down")
        back = self.sink(port=port)
        for e in eids:
            self.assertEqual(self.delivery(e, timeout=20)["state"], "delivered")
        self.assertEqual({json.loads(r["body"])["event_type"] for r in back.received()}, {"repo.sync.start"})
        self.assertGreaterEqual(len(back.received()), 20)

    def test_exhausted_schedule_and_4xx_are_dead(self):
        self.start()
        always = self.sink(status=503)
        self.listen(always.url)
        d = self.delivery(self.fire())
        self.assertEqual(d["state"], "dead")
        self.assertEqual(d["attempts"], 6)
        self.assertIn("retry schedule exhausted after 6 attempts", d["last_message"])
        bad = self.sink(status=400)
        self.server.delete("events/%s/" % self.server.get("events/").json[0]["id"])
        self.listen(bad.url)
        d = self.delivery(self.fire())
        self.assertEqual((d["state"], d["attempts"]), ("dead", 1))

    def test_410_disables_the_listener_until_a_put_enables_it(self):
        self.start()
        sink = self.sink(script=[410])
        lid = self.listen(sink.url)
        d = self.delivery(self.fire())
        self.assertEqual(d["state"], "dead")
        self.assertEqual(d["attempt_log"][0]["outcome"], "gone")
        listener = wait_for(lambda: (lambda l: not l["enabled"] and l)(self.server.get("events/%s/" % lid).json),
                            what="listener disabled")
        self.assertFalse(listener["enabled"])
        self.assertEqual(self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["matched_listeners"], [])
        r = self.server.put("events/%s/" % lid, {"enabled": True})
        self.assertEqual((r.status, r.json["enabled"]), (200, True))
        self.assertEqual(self.delivery(self.fire())["state"], "delivered")

    def test_listener_deliveries_are_paged_newest_first_and_filtered(self):
        self.start()
        sink = self.sink(script=[400])
        lid = self.listen(sink.url)
        eids = []
        for _ in range(5):
            eids.append(self.fire())
            self.delivery(eids[-1])
        r = self.server.get("events/%s/deliveries/?limit=2&offset=1" % lid)
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual((r.json["total"], r.json["limit"], r.json["offset"]), (5, 2, 1))
        self.assertEqual([d["event_id"] for d in r.json["deliveries"]], [eids[3], eids[2]])
        dead = self.server.get("events/%s/deliveries/?state=dead" % lid).json
        self.assertEqual([d["event_id"] for d in dead["deliveries"]], [eids[0]])
        self.assertEqual(self.server.get("events/%s/deliveries/?state=bogus" % lid).status, 400)
        self.assertEqual(self.server.get("events/%s/deliveries/" % ("f" * 24)).status, 404)

    def test_redeliver_one_even_a_delivered_one_with_the_same_id(self):
        self.start()
        sink = self.sink()
        lid = self.server.post("events/", {"notifier_type_id": "http",
                                           "notifier_config": {"url": sink.url, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                                           "event_types": ["*"]}).json["id"]
        eid = self.fire()
        d = self.delivery(eid)
        r = self.server.post("deliveries/%s/redeliver/" % d["id"])
        self.assertEqual(r.status, 202, r.raw)
        wait_for(lambda: len(sink.received()) == 2, what="the replay")
        ids = {req["headers"]["webhook-id"] for req in sink.received()}
        self.assertEqual(ids, {"%s-%s" % (eid, lid)})
        d = wait_for(lambda: (lambda x: x["attempts"] == 2 and x["state"] == "delivered" and x)(
            self.server.get("event_reports/%s/" % eid).json["deliveries"][0]), what="second attempt logged")
        self.assertEqual(len(d["attempt_log"]), 2)
        self.assertEqual(self.server.post("deliveries/nope/redeliver/").status, 404)

    def test_bulk_redeliver_by_state_with_dry_run(self):
        self.start()
        sink = self.sink(status=400)
        lid = self.listen(sink.url)
        eids = [self.fire() for _ in range(3)]
        for e in eids:
            self.delivery(e)
        r = self.server.post("deliveries/redeliver/", {"listener_id": lid, "state": "dead", "dry_run": True})
        self.assertEqual((r.status, r.json), (200, {"dry_run": True, "count": 3}))
        self.assertEqual(len(sink.received()), 3)
        sink.status = 200
        r = self.server.post("deliveries/redeliver/", {"listener_id": lid, "state": "dead",
                                                       "event_type": "repo.sync.start", "since": "2000-01-01T00:00:00Z"})
        self.assertEqual((r.status, r.json["count"]), (202, 3))
        for e in eids:
            self.assertEqual(self.delivery(e, state=("delivered",))["attempts"], 2)
        r = self.server.post("deliveries/redeliver/", {"until": "2000-01-01T00:00:00Z", "dry_run": True})
        self.assertEqual(r.json["count"], 0)
        self.assertEqual(self.server.post("deliveries/redeliver/", {}).status, 400)  # no filter: refused
        self.assertEqual(self.server.post("deliveries/redeliver/", {"since": "yesterday"}).status, 400)

    def test_per_listener_retry_schedule(self):
        self.start()
        sink = self.sink(status=503)
        lid = self.listen(sink.url, retry_schedule_ms=[0, 50])
        self.assertEqual(self.server.get("events/%s/" % lid).json["retry_schedule_ms"], [0, 50])
        d = self.delivery(self.fire())
        self.assertEqual((d["state"], d["attempts"]), ("dead", 2))
        r = self.server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": sink.url},
                                         "event_types": ["*"], "retry_schedule_ms": [-1]})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["property_names"], ["retry_schedule_ms"])

    def test_a_slow_receiver_does_not_starve_the_others(self):
        self.start("--set", "delivery.workers=4", "--set", "delivery.max_in_flight_per_listener=2")
        slow = self.sink(delay=1.0)
        fast = self.sink()
        self.listen(slow.url)
        self.listen(fast.url)
        for _ in range(10):
            self.fire()
        wait_for(lambda: len(fast.received()) == 10, timeout=5, what="the fast receiver")
        # An attempt in progress shows as "delivering" in the delivery log.
        slow_id = [l["id"] for l in self.server.get("events/").json
                   if l["notifier_config"]["url"] == slow.url][0]
        wait_for(lambda: self.server.get("events/%s/deliveries/?state=pending" % slow_id).json["deliveries"] and any(
            d["state"] == "delivering" for d in self.server.get("events/%s/deliveries/" % slow_id).json["deliveries"]),
            what="a delivering delivery")
        # The slow one got at most 2 at a time: after ~1 s it cannot have seen all 10.
        self.assertLess(len(slow.received()), 10)

    def test_a_listeners_deliveries_overlap_up_to_its_bound_and_no_further(self):
        # The http plugin takes batches: one worker has up to the bound in flight at once.
        self.start("--set", "delivery.workers=1", "--set", "delivery.max_in_flight_per_listener=3")
        slow = self.sink(delay=0.3)
        self.listen(slow.url)
        for _ in range(9):
            self.fire()
        wait_for(lambda: len(slow.received()) == 9, timeout=10, what="all 9 deliveries")
        self.assertEqual(slow.most_active, 3)

    def test_a_plugin_without_batches_gets_one_event_per_worker(self):
        # The recorder has no deliver_batch: the bound is reached with workers, one event each.
        self.start("--set", "delivery.workers=4", "--set", "delivery.max_in_flight_per_listener=2")
        out = os.path.join(self.server.dir, "recorded.jsonl")
        r = self.server.post("events/", {"notifier_type_id": "recorder",
                                         "notifier_config": {"file": out, "delay_ms": 300},
                                         "event_types": ["*"]})
        self.assertEqual(r.status, 201, r.raw)
        for _ in range(6):
            self.fire()
        wait_for(lambda: os.path.exists(out) and len(read_jsonl(out)) == 6, timeout=10, what="6 recorded")
        rows = read_jsonl(out)
        self.assertEqual({row["batch_size"] for row in rows}, {1})
        self.assertEqual(max(row["concurrent"] for row in rows), 2)

    def test_wildcard_subscriptions(self):
        self.start()
        sink = self.sink()
        lid = self.listen(sink.url, types=["repo.*.finish"])
        self.assertEqual(self.server.post("event_reports/", {"event_type": "repo.sync.finish"}).json["matched_listeners"], [lid])
        self.assertEqual(self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["matched_listeners"], [])
        r = self.server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": sink.url},
                                         "event_types": ["task.#"]})
        self.assertEqual(r.status, 400)
        self.assertIn("the pattern 'task.#' matches no configured event type", r.json["error_message"])

    def test_task_reports_and_call_report(self):
        self.start()
        sink = self.sink()
        self.listen(sink.url)
        report = {"task_id": "t-1", "state": "finished", "progress_report": {}, "result": None}
        r = self.server.put("tasks/t-1/", report)
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual(r.json["_href"], "/pulp/api/v2/tasks/t-1/")
        self.assertEqual(self.server.get("tasks/t-1/").json["state"], "finished")
        self.assertEqual(self.server.get("tasks/none/").status, 404)
        self.fire(task_id="t-1", call_report={"state": "stale"})
        self.fire(task_id="t-unknown", call_report={"state": "carried"})
        self.fire(task_id="t-unknown")
        wait_for(lambda: len(sink.received()) == 3, what="three events")
        reports = sorted((json.loads(r["body"])["call_report"] or {}).get("state", "null") for r in sink.received())
        self.assertEqual(reports, ["carried", "finished", "null"])


if __name__ == "__main__":
    unittest.main()
