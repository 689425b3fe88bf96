"""The amqp notifier end to end against a real RabbitMQ broker, started here on private ports."""

import json
import threading
import unittest

from harness import Server, wait_for
from sinks import RabbitBroker

broker = None


def setUpModule():
    global broker
    broker = RabbitBroker().start()


def tearDownModule():
    broker.cleanup()


def messaging(url, exchange="amq.topic"):
    return "messaging:\n  url: %s\n  topic_exchange: %s\n  timeout_ms: 3000\n" % (url, exchange)


class AmqpNotifierTest(unittest.TestCase):
    def start(self, config, *args):
        self.server = Server(plugins=["rest.so", "amqp.so"], extra_config=config)
        self.addCleanup(self.server.cleanup)
        self.server.start(*args)

    def listen(self, config, types=("*",)):
        r = self.server.post("events/", {"notifier_type_id": "amqp", "notifier_config": config,
                                         "event_types": list(types)})
        self.assertEqual(r.status, 201, r.raw)
        return r.json["id"]

    def get(self, ch, q):
        def poll():
            method, props, body = ch.basic_get(q, auto_ack=True)
            return method and (method, props, body)
        return wait_for(poll, what="a message on the queue")

    def test_listener_exchange_and_routing_key(self):
        conn, ch, q = broker.consumer("pulp.events", "pulp.server.#")
        self.addCleanup(conn.close)
        self.start(messaging(broker.url))
        self.listen({"exchange": "pulp.events"})
        payload = {"repo_id": "zoo"}
        eid = self.server.post("event_reports/", {"event_type": "repo.publish.finish", "payload": payload}).json["id"]
        method, props, body = self.get(ch, q)
        self.assertEqual(method.routing_key, "pulp.server.repo.publish.finish")
        self.assertEqual(json.loads(body), {"event_type": "repo.publish.finish", "payload": payload,
                                            "call_report": None})
        self.assertEqual(props.content_type, "application/json")
        self.assertEqual(props.delivery_mode, 2)
        rep = wait_for(lambda: (lambda r: r["deliveries"][0]["state"] == "delivered" and r)(
            self.server.get("event_reports/%s/" % eid).json), what="delivered")
        self.assertIn("(confirmed)", rep["deliveries"][0]["last_message"])

    def test_default_exchange_from_messaging_topic_exchange(self):
        conn, ch, q = broker.consumer("herald.default", "pulp.server.repo.sync.*")
        self.addCleanup(conn.close)
        self.start(messaging(broker.url, exchange="herald.default"))
        self.listen({})
        self.listen({"exchange": ""})  # Pulp: an empty exchange means the default as well
        self.server.post("event_reports/", {"event_type": "repo.sync.start"})
        keys = [self.get(ch, q)[0].routing_key for _ in range(2)]
        self.assertEqual(keys, ["pulp.server.repo.sync.start"] * 2)

    def test_amq_topic_default(self):
        conn, ch, q = broker.consumer("amq.topic", "pulp.server.#")
        self.addCleanup(conn.close)
        self.start(messaging(broker.url))
        self.listen({})
        self.server.post("event_reports/", {"event_type": "repo.sync.finish"})
        self.assertEqual(self.get(ch, q)[0].routing_key, "pulp.server.repo.sync.finish")

    def test_broker_down_is_retry_and_restart_delivers(self):
        self.start(messaging(broker.url, exchange="herald.restart"), "--set",
                   "delivery.retry_schedule_ms=[0, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500]")
        self.listen({})
        conn, ch, q = broker.consumer("herald.restart", "#")
        conn.close()
        first = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        wait_for(lambda: self.server.get("event_reports/%s/" % first).json["deliveries"][0]["state"] == "delivered",
                 what="delivery before the restart")
        broker.stop()
        try:
            eid = self.server.post("event_reports/", {"event_type": "repo.sync.finish"}).json["id"]
            failed = wait_for(lambda: (lambda d: d["attempts"] >= 1 and d)(
                self.server.get("event_reports/%s/" % eid).json["deliveries"][0]), what="an attempt while down")
            self.assertEqual(failed["attempt_log"][0]["outcome"], "retry")
        finally:
            broker.start()
        rep = wait_for(lambda: (lambda r: r["deliveries"][0]["state"] == "delivered" and r)(
            self.server.get("event_reports/%s/" % eid).json), timeout=60, what="delivery after the restart")
        self.assertEqual(rep["deliveries"][0]["attempt_log"][-1]["outcome"], "ok")

    def test_a_missing_exchange_is_declared_durable_topic(self):
        self.start(messaging(broker.url))
        self.listen({"exchange": "herald.fresh"})
        eid = self.server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"]
        wait_for(lambda: self.server.get("event_reports/%s/" % eid).json["deliveries"][0]["state"] == "delivered",
                 what="first publish")
        # Re-declaring it as a durable topic exchange succeeds only if that is what Herald made.
        conn, ch, q = broker.consumer("herald.fresh", "pulp.server.repo.#")
        self.addCleanup(conn.close)
        self.server.post("event_reports/", {"event_type": "repo.publish.start"})
        self.assertEqual(self.get(ch, q)[0].routing_key, "pulp.server.repo.publish.start")


class AmqpDurabilityTest(unittest.TestCase):
    def test_broker_restart_while_events_flow_loses_nothing(self):
        import pika
        conn = pika.BlockingConnection(pika.URLParameters(broker.url))
        ch = conn.channel()
        ch.exchange_declare("herald.flow", exchange_type="topic", durable=True)
        ch.queue_declare("herald.flow.q", durable=True)
        ch.queue_bind("herald.flow.q", "herald.flow", routing_key="#")
        conn.close()
        server = Server(plugins=["rest.so", "amqp.so"], extra_config=messaging(broker.url, "herald.flow"))
        self.addCleanup(server.cleanup)
        server.start("--set", "delivery.retry_schedule_ms=[0" + ", 300" * 100 + "]")
        server.post("events/", {"notifier_type_id": "amqp", "notifier_config": {}, "event_types": ["*"]})
        fired = []
        stop = threading.Event()

        def fire():
            while not stop.is_set() and len(fired) < 300:
                fired.append(server.post("event_reports/", {"event_type": "repo.sync.start"}).json["id"])
                stop.wait(0.01)  # a steady flow, spread across the restart

        t = threading.Thread(target=fire)
        t.start()
        try:
            wait_for(lambda: len(fired) >= 50, what="events flowing")
            broker.stop()
            wait_for(lambda: len(fired) >= 150, timeout=30, what="events fired while the broker is down")
            broker.start()
        finally:
            stop.set()
            t.join()
        for eid in fired:
            wait_for(lambda: server.get("event_reports/%s/" % eid).json["deliveries"][0]["state"] == "delivered",
                     timeout=60, what="event %s delivered" % eid)
        conn = pika.BlockingConnection(pika.URLParameters(broker.url))
        ch = conn.channel()
        seen = set()
        while True:
            method, props, body = ch.basic_get("herald.flow.q", auto_ack=True)
            if method is None:
                break
            seen.add(props.message_id.split("-")[0])
        conn.close()
        self.assertEqual(seen, set(fired))

    def test_task_status_messages(self):
        import pika
        server = Server(plugins=["rest.so", "amqp.so"],
                        extra_config="messaging:\n  url: %s\n  event_notifications_enabled: true\n"
                                     "  event_notification_url: %s\n" % (broker.url, broker.url))
        self.addCleanup(server.cleanup)
        server.start()
        conn = pika.BlockingConnection(pika.URLParameters(broker.url))
        self.addCleanup(conn.close)
        ch = conn.channel()
        ch.exchange_declare("pulp.api.v2", exchange_type="topic", durable=True)
        mine = ch.queue_declare("", exclusive=True).method.queue
        ch.queue_bind(mine, "pulp.api.v2", routing_key="tasks.abc-1")
        every = ch.queue_declare("", exclusive=True).method.queue
        ch.queue_bind(every, "pulp.api.v2", routing_key="tasks.*")
        self.assertEqual(server.put("tasks/abc-1/", {"state": "running"}).status, 200)
        self.assertEqual(server.put("tasks/xyz-2/", {"state": "waiting"}).status, 200)
        self.assertEqual(server.put("tasks/abc-1/", {"state": "finished"}).status, 200)

        def take(q, n):
            got = []
            def poll():
                method, props, body = ch.basic_get(q, auto_ack=True)
                if method:
                    got.append((method.routing_key, json.loads(body)))
                return len(got) >= n
            wait_for(poll, what="%d task messages" % n)
            return got
        mine_msgs = take(mine, 2)
        self.assertEqual([k for k, _ in mine_msgs], ["tasks.abc-1", "tasks.abc-1"])
        self.assertEqual(sorted(b["state"] for _, b in mine_msgs), ["finished", "running"])
        self.assertEqual(mine_msgs[0][1]["task_id"], "abc-1")
        self.assertEqual(sorted(k for k, _ in take(every, 3)), ["tasks.abc-1", "tasks.abc-1", "tasks.xyz-2"])
        method, _, _ = ch.basic_get(mine, auto_ack=True)
        self.assertIsNone(method)  # the consumer of tasks.abc-1 saw only that task


if __name__ == "__main__":
    unittest.main()
