#!/usr/bin/python3
"""An SMTP sink for the tests (Debian's python3-aiosmtpd).

usage: smtp_sink.py --port PORT --dir DIR

Listens on 127.0.0.1:PORT and stores every message it accepts as one file
DIR/NNNNNNNN.eml (written to a temporary name, then renamed, so a reader
never sees half a message), beginning with the envelope as two lines
"X-Sink-Mail-From: <addr>" and "X-Sink-Rcpt-To: <addr>[, <addr>…]",
followed by the message exactly as received.

A recipient listed in DIR/../reject (one address a line, read at each
RCPT) is answered "550 5.1.1 mailbox unavailable".  Runs until SIGTERM.
"""
import argparse
import itertools
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.reject_file = os.path.join(os.path.dirname(os.path.abspath(directory)), 'reject')
        # continue numbering after what an earlier run of the sink stored
        start = 1 + max([int(f[:8]) for f in os.listdir(directory) if f.endswith('.eml')] or [0])
        self.seq = itertools.count(start)
        self.lock = threading.Lock()

    def rejected(self, address):
        try:
            with open(self.reject_file) as f:
                return address.lower() in {line.strip().lower() for line in f if line.strip()}
        except FileNotFoundError:
            return False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rejected(address):
            return '550 5.1.1 mailbox unavailable'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.seq)
        head = ('X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\n'
                % (envelope.mail_from, ', '.join(envelope.rcpt_tos))).encode()
        path = os.path.join(self.dir, '%08d.eml' % n)
        with open(path + '.tmp', 'wb') as f:
            f.write(head + envelope.original_content)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 stored as %08d' % n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, required=True)
    ap.add_argument('--dir', required=True)
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Sink(args.dir), hostname='127.0.0.1', port=args.port,
                            decode_data=False, enable_SMTPUTF8=True)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    print('ready', flush=True)
    done.wait()
    controller.stop()


if __name__ == '__main__':
    main()
