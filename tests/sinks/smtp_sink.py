#!/usr/bin/python3
"""A real SMTP server for tests (aiosmtpd, Debian's python3-aiosmtpd) on 127.0.0.1.

Prints "listening on PORT" once ready, appends every accepted message to OUT as a JSON line
{"mail_from", "rcpt_tos", "data", "peer"} (peer: the client's "host:port", one per session), and answers RCPT TO for addresses whose local part starts
with "reject" with 550 and "later" with 451, so tests can see both kinds of refusal.
Runs until SIGTERM/SIGINT.

usage: smtp_sink.py OUT [PORT [MODE CERT KEY]]   (PORT 0 = a free port; MODE starttls or implicit)
With starttls the server offers STARTTLS and refuses mail before it; with implicit it speaks TLS
from the first byte.
"""

import json
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.content.decode("utf-8", "replace"), "peer": "%s:%d" % tuple(session.peer[:2])}
        with self.lock, open(self.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    out = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "0" else free_port()
    kwargs = {}
    if len(sys.argv) > 5:
        mode, cert, key = sys.argv[3], sys.argv[4], sys.argv[5]
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        if mode == "starttls":
            kwargs = {"tls_context": ctx, "require_starttls": True}
        else:
            kwargs = {"ssl_context": ctx}
    controller = Controller(Recorder(out), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print("listening on %d" % port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    # Every accepted message is already in OUT (appended and closed per message), so there is
    # nothing to shut down gracefully; aiosmtpd's Controller.stop() was seen to hang under load,
    # which left this process holding the test runner's output pipe.
    os._exit(0)


if __name__ == "__main__":
    main()
