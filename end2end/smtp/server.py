"""A real SMTP server for Laurel's mail tests.

    python server.py --port PORT --out FILE [--host 127.0.0.1]

Listens on HOST:PORT (plain SMTP, no TLS, no authentication) and appends one
JSON line per accepted message to FILE:

    {"mail_from", "rcpt_tos", "from", "to", "subject", "message_id",
     "content_type", "parts": [{"content_type", "body"}], "raw"}

`parts` lists the leaf parts of the message as Python's email package parses
it (bodies decoded to text). Prints "ready HOST:PORT" once it accepts
connections; stops on SIGTERM or SIGINT.
"""

import argparse
import email
import email.policy
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller


class AppendToFile:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = [
            {"content_type": part.get_content_type(), "body": part.get_content()}
            for part in message.walk()
            if not part.is_multipart()
        ]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "content_type": message.get_content_type(),
            "parts": parts,
            "raw": raw.decode("utf-8", "replace"),
        }
        line = json.dumps(record) + "\n"
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(line)
                out.flush()
                os.fsync(out.fileno())
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    controller = Controller(AppendToFile(args.out), hostname=args.host, port=args.port)
    controller.start()
    print(f"ready {args.host}:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
