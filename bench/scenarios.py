"""The benchmark scenarios P1–P7. Each runs Herald and its baseline side by side in the same run
(this machine is shared and noisy: absolute numbers drift, ratios hold) and returns rows of
(scenario, metric, herald, baseline name, baseline, ratio, target)."""

import json
import os
import sqlite3
import statistics
import subprocess
import time

from servers import Nginx, RabbitBroker, SmtpSink, heraldd, rss_kb, wait_for, wrk

BODY = json.dumps({"event_type": "repo.sync.finish", "payload": {"repo_id": "zoo", "result": "success"},
                   "call_report": None}, separators=(",", ":"))
PY = "/usr/bin/python3"


def ratio(a, b):
    return a / b if b else float("inf")


def pulp_style_http(url, seconds):
    """Pulp 2's http notifier: sequential requests.post per listener, one after another."""
    code = ("import requests,time,sys\n"
            "url,secs,body=sys.argv[1],float(sys.argv[2]),sys.argv[3]\n"
            "n=0;end=time.time()+secs\n"
            "while time.time()<end:\n"
            "  r=requests.post(url,data=body,headers={'Content-Type':'application/json'},timeout=15)\n"
            "  n+=1\n"
            "print(n/secs)\n")
    return float(subprocess.run([PY, "-c", code, url, str(seconds), BODY], capture_output=True, text=True,
                                timeout=seconds + 60).stdout)


# P1's set-up: each event fans out to this many listeners, all on one nginx; bench/cpu_cost uses
# it too.
P1_LISTENERS, P1_WORKERS, P1_IN_FLIGHT = 4, 4, 16
# The application side of P1: wrk connections firing the events. Each waits for its fire's
# durable commit before the next, so with too few of them the firing client, not delivery,
# set the pace: 8 connections gave 19 400-22 300 deliveries/s where 32 give 24 400-29 700 on
# the same build (RESULTS.md, item 27). 64 brought no more: wrk's own threads then compete.
P1_FIRE_CONNECTIONS = 32


def p1_server_args(workers, in_flight, listeners):
    """heraldd's settings for P1: every listener posts to the same nginx, so the connection bound
    for that one destination is sized for all of them at once (listeners × in-flight per listener);
    a smaller one would have batches wait for each other's connections."""
    return ("--set", "delivery.workers=%d" % workers, "--set",
            "http.max_connections_per_destination=%d" % (listeners * in_flight), "--set",
            "delivery.max_in_flight_per_listener=%d" % in_flight)


def fire_burst(server, seconds, connections):
    return wrk(server.url + "/pulp/api/v2/event_reports/", seconds, connections, BODY, auth=("admin", "admin"))


# Every timed run measures steady state: the one-off costs of a fresh process come first, untimed
# — the first login's PBKDF2 (600 000 rounds, ~0.3 s while every other connection waits for its
# answer), the database file growing, the request threads being spawned. Cold, they fell inside
# P2's burst and took a fifth off a 4-second run (21 000 vs 27 000 events/s, same build).
WARM_UP_SECONDS = 1


def warm_up_nginx(nginx, path, connections):
    """The baseline gets the same untimed warm-up as Herald."""
    wrk(nginx.url(path), WARM_UP_SECONDS, connections, BODY)


def fire_until_delivered(server, seconds, connections, nginx=None, listeners=0):
    """fire_burst, then a wait until every accepted event has reached `nginx` once per listener
    (none with no listener), so a burst's backlog never falls into what is measured next.
    Returns what fire_burst does."""
    base = nginx.requests() if listeners else 0
    rate, fired, bad = fire_burst(server, seconds, connections)
    if listeners:
        expected = (fired - bad) * listeners
        wait_for(lambda: nginx.requests() - base >= expected, timeout=600, interval=0.05,
                 what="%d deliveries" % expected)
    return rate, fired, bad


def warm_up_herald(server, connections, nginx=None, listeners=0):
    """An untimed burst of fires, delivered before it returns."""
    fire_until_delivered(server, WARM_UP_SECONDS, connections, nginx, listeners)


def p1_fanout(cfg):
    """Events/s delivered by the http plugin to nginx, durable outbox on. Herald and the two
    baselines take turns, cfg["rounds"] times, and each is averaged: the drift of this shared
    machine then falls on all three alike. wrk gets as many connections as Herald may open to
    nginx (p1_server_args)."""
    nginx = Nginx()
    heralds, limits, pulps = [], [], []
    try:
        listeners = cfg["listeners"]
        connections = listeners * cfg["in_flight"]
        server = heraldd(args=p1_server_args(cfg["workers"], cfg["in_flight"], listeners))
        try:
            for _ in range(listeners):
                server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": nginx.url()},
                                        "event_types": ["*"]})
            warm_up_herald(server, P1_FIRE_CONNECTIONS, nginx, listeners)
            warm_up_nginx(nginx, "/hook", connections)
            for _ in range(cfg["rounds"]):
                start = time.monotonic()
                _, fired, bad = fire_until_delivered(server, cfg["seconds"], P1_FIRE_CONNECTIONS, nginx, listeners)
                heralds.append((fired - bad) * listeners / (time.monotonic() - start))
                limits.append(wrk(nginx.url(), cfg["seconds"], connections, BODY)[0])
                pulps.append(pulp_style_http(nginx.url(), min(cfg["seconds"], 3)))
        finally:
            server.cleanup()
    finally:
        nginx.close()
    herald, limit, pulp = statistics.mean(heralds), statistics.mean(limits), statistics.mean(pulps)
    return [("P1 fan-out", "deliveries/s", herald, "wrk → nginx (limit)", limit, ratio(herald, limit), ">= 0.5"),
            ("P1 fan-out", "deliveries/s", herald, "Pulp-style requests loop", pulp, ratio(herald, pulp), ">= 20")]


def p2_ingest(cfg):
    """POST /v2/event_reports/ per second, durable commit included, vs nginx answering 202: once
    with no listener (ingest alone) and once with a listener whose deliveries share the CPU. The
    three take turns cfg["rounds"] times and each is averaged."""
    nginx = Nginx()
    alone, shared, bases = [], [], []
    try:
        quiet, busy = heraldd(), heraldd()
        try:
            busy.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": nginx.url()},
                                  "event_types": ["*"]})
            warm_up_herald(quiet, 16)
            warm_up_herald(busy, 16, nginx, 1)
            warm_up_nginx(nginx, "/ingest", 16)
            for _ in range(cfg["rounds"]):
                for server, rates in ((quiet, alone), (busy, shared)):
                    rate, _, bad = fire_until_delivered(server, cfg["seconds"], 16, nginx, 1 if server is busy else 0)
                    assert bad == 0, "%d ingest requests failed" % bad
                    rates.append(rate)
                bases.append(wrk(nginx.url("/ingest"), cfg["seconds"], 16, BODY)[0])
        finally:
            quiet.cleanup()
            busy.cleanup()
    finally:
        nginx.close()
    base = statistics.mean(bases)
    return [("P2 ingest", "events/s, no listener", statistics.mean(alone), "wrk → nginx 202", base,
             ratio(statistics.mean(alone), base), ">= 0.3 and >= 10000/s"),
            ("P2 ingest", "events/s, 1 listener delivering", statistics.mean(shared), "wrk → nginx 202", base,
             ratio(statistics.mean(shared), base), ">= 0.3 and >= 10000/s")]


def p3_latency(cfg):
    """From the 202 to the first delivery attempt, at a steady 200 events/s: p50/p95/p99. Both
    ends are stamped by heraldd (fired_at at commit, started_at of attempt 1), so the client's
    own scheduling does not blur the figure; resolution 1 ms."""
    from delivery_times import parse
    nginx = Nginx()
    server = heraldd()
    try:
        server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": nginx.url()},
                                "event_types": ["*"]})
        ids = []
        interval = 1.0 / 200
        next_at = time.monotonic()
        for _ in range(cfg["latency_events"]):
            ids.append(server.post("event_reports/", json.loads(BODY)).json["id"])
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        lat = []
        for eid in ids:
            rep = wait_for(lambda: (lambda r: r["deliveries"][0]["attempt_log"] and r)(
                server.get("event_reports/%s/" % eid).json), what="first attempt of %s" % eid)
            lat.append(parse(rep["deliveries"][0]["attempt_log"][0]["started_at"]) - parse(rep["fired_at"]))
    finally:
        server.cleanup()
        nginx.close()
    q = statistics.quantiles(sorted(lat), n=100)
    return [("P3 latency", "p50 ms", q[49], "", None, None, ""),
            ("P3 latency", "p95 ms", q[94], "Convoy p95 (published)", 124.0, ratio(124.0, max(q[94], 1.0)),
             "p95 < 10 ms"),
            ("P3 latency", "p99 ms", q[98], "", None, None, "")]


def seed_listeners(db_path, n, types):
    """Inserts n listeners straight into a fresh store (creating 100 000 over REST would time the
    REST API, not matching)."""
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    rows = (("%024x" % (0xb0000000 + i), "http", json.dumps({"url": "http://127.0.0.1:9/x"}),
             json.dumps([types(i)]), 0, 0, 1, None) for i in range(n))
    con.executemany("INSERT INTO listeners VALUES (?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


def p4_matching(cfg):
    """Fire rate with 100 000 listeners none of which match vs with none at all. The two are run
    in the order none, many, many, none and each averaged, so the machine's drift during the run
    (which alone moved single pairs between 0.82 and 1.25) falls on both alike; each server is
    warmed up first, as in P1 and P2."""
    nginx = Nginx()
    extra = "events:\n  types: [repo.sync.start, repo.sync.finish, repo.publish.start, repo.publish.finish, other.thing]\n"
    rates = {0: [], cfg["listeners_p4"]: []}
    try:
        for n in (0, cfg["listeners_p4"], cfg["listeners_p4"], 0):
            server = heraldd(extra_config=extra)
            try:
                server.post("events/", {"notifier_type_id": "http", "notifier_config": {"url": nginx.url()},
                                        "event_types": ["repo.sync.finish"]})
                if n:
                    server.stop()
                    seed_listeners(os.path.join(server.dir, "herald.db"), n,
                                   lambda i: "other.thing" if i % 2 else "other.p%d.#" % i)
                    server.start("--log-level", "warn")
                warm_up_herald(server, 16, nginx, 1)
                rates[n].append(fire_burst(server, cfg["seconds"], 16)[0])
            finally:
                server.cleanup()
    finally:
        nginx.close()
    many, none = statistics.mean(rates[cfg["listeners_p4"]]), statistics.mean(rates[0])
    return [("P4 matching", "fires/s with %d non-matching" % cfg["listeners_p4"], many, "with none", none,
             ratio(many, none), ">= 0.9")]


def p5_amqp(cfg):
    """Messages/s through the amqp plugin (confirms) vs a minimal rabbitmq-c confirm loop."""
    import pika
    broker = RabbitBroker().start()
    try:
        conn = pika.BlockingConnection(pika.URLParameters(broker.url))
        ch = conn.channel()
        ch.exchange_declare("bench", exchange_type="topic", durable=True)
        ch.queue_declare("bench.q", durable=False)
        ch.queue_bind("bench.q", "bench", routing_key="#")
        server = heraldd(plugins=("rest.so", "amqp.so"),
                         extra_config="messaging:\n  url: %s\n  topic_exchange: bench\n" % broker.url)
        try:
            server.post("events/", {"notifier_type_id": "amqp", "notifier_config": {}, "event_types": ["*"]})
            start = time.monotonic()
            _, fired, bad = fire_burst(server, cfg["seconds"], 4)
            expected = fired - bad
            wait_for(lambda: ch.queue_declare("bench.q", passive=True).method.message_count >= expected,
                     timeout=600, interval=0.1, what="%d messages" % expected)
            herald = expected / (time.monotonic() - start)
        finally:
            server.cleanup()
        conn.close()
        out = subprocess.run([os.path.join(cfg["build"], "bench", "amqp_confirm_loop"), "127.0.0.1",
                              str(broker.port), "bench", str(cfg["seconds"])],
                             capture_output=True, text=True, timeout=cfg["seconds"] + 60)
        base = float(out.stdout.strip())
    finally:
        broker.cleanup()
    return [("P5 AMQP", "messages/s", herald, "rabbitmq-c confirm loop", base, ratio(herald, base), ">= 0.5")]


def pulp_style_smtp(port, seconds):
    code = ("import smtplib,time,sys\n"
            "from email.mime.text import MIMEText\n"
            "port,secs,body=int(sys.argv[1]),float(sys.argv[2]),sys.argv[3]\n"
            "n=0;end=time.time()+secs\n"
            "while time.time()<end:\n"
            "  m=MIMEText(body);m['Subject']='pulp notification';m['From']='pulp@localhost';m['To']='a@example.com'\n"
            "  s=smtplib.SMTP('127.0.0.1',port);s.sendmail('pulp@localhost',['a@example.com'],m.as_string());s.quit()\n"
            "  n+=1\n"
            "print(n/secs)\n")
    return float(subprocess.run([PY, "-c", code, str(port), str(seconds), json.dumps(json.loads(BODY), indent=2)],
                                capture_output=True, text=True, timeout=seconds + 60).stdout)


def mails(sink):
    """Messages the sink accepted so far: its JSON lines, counted without parsing them (parsing
    every message on every poll would take the CPU the run is measuring)."""
    if not os.path.exists(sink.out):
        return 0
    with open(sink.out, "rb") as f:
        return sum(1 for _ in f)


def p6_email(cfg):
    """Messages/s to aiosmtpd vs Pulp's connect-per-message smtplib loop."""
    sink = SmtpSink()
    try:
        addresses = ["user%d@example.com" % i for i in range(10)]
        # The baseline runs before and after Herald and is averaged: alone it moved 190–515/s
        # between runs.
        before = pulp_style_smtp(sink.port, min(cfg["seconds"], 3))
        server = heraldd(plugins=("rest.so", "email.so"),
                         extra_config="email:\n  enabled: true\n  host: 127.0.0.1\n  port: %d\n" % sink.port)
        try:
            server.post("events/", {"notifier_type_id": "email",
                                    "notifier_config": {"subject": "pulp notification", "addresses": addresses},
                                    "event_types": ["*"]})
            events = cfg["email_events"]
            base = mails(sink)
            start = time.monotonic()
            for _ in range(events):
                server.post("event_reports/", json.loads(BODY))
            wait_for(lambda: mails(sink) - base >= events * len(addresses), timeout=600, interval=0.05,
                     what="all mails")
            herald = events * len(addresses) / (time.monotonic() - start)
        finally:
            server.cleanup()
        pulp = statistics.mean([before, pulp_style_smtp(sink.port, min(cfg["seconds"], 3))])
    finally:
        sink.close()
    return [("P6 email", "messages/s", herald, "Pulp-style smtplib loop", pulp, ratio(herald, pulp), ">= 3")]


def p7_memory(cfg):
    """heraldd's resident memory idle and with 100 000 listeners."""
    server = heraldd()
    try:
        idle = rss_kb(server.proc.pid) / 1024
        server.stop()
        seed_listeners(os.path.join(server.dir, "herald.db"), cfg["listeners_p7"],
                       lambda i: ["repo.sync.start", "repo.sync.finish", "repo.#"][i % 3])
        server.start("--log-level", "warn")
        server.post("event_reports/", json.loads(BODY))  # routing touched at least once
        loaded = rss_kb(server.proc.pid) / 1024
    finally:
        server.cleanup()
    return [("P7 memory", "RSS MB idle", idle, "target", 30.0, ratio(30.0, idle), "<= 30 MB"),
            ("P7 memory", "RSS MB, %d listeners" % cfg["listeners_p7"], loaded, "target", 150.0, ratio(150.0, loaded),
             "<= 150 MB")]


SCENARIOS = {"P1": p1_fanout, "P2": p2_ingest, "P3": p3_latency, "P4": p4_matching, "P5": p5_amqp,
             "P6": p6_email, "P7": p7_memory}
