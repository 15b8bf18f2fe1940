"""SMTP server for tests: AUTH PLAIN/LOGIN over TLS, delivery into the Dovecot user's INBOX.

Started by `scripts/mailserver start` as `/usr/bin/python3 smtpserver.py STATEDIR`. It reads
STATEDIR/state.json, listens on 127.0.0.1 with STARTTLS (required before AUTH) and with
implicit TLS, writes STATEDIR/smtp.pid once both ports accept connections, and runs until
SIGTERM or SIGINT.

Every accepted message is written unchanged into the INBOX Maildir, into
STATEDIR/smtp/messages/NNNN.eml, and its envelope as one JSON line into
STATEDIR/smtp/envelopes.jsonl. Recipients in the domain `reject_domain` get 550.
"""

import errno
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# The repository is no place for __pycache__ folders.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import maildir  # noqa: E402


# scripts/mailserver retries with other ports when the server exits with this status.
EXIT_PORT_IN_USE = 98


class Delivery:
    """aiosmtpd handler that stores each message and its envelope."""

    def __init__(self, state_directory, state):
        self.inbox = state["maildir"]
        self.uid = state["mail_uid"]
        self.gid = state["mail_gid"]
        self.reject_suffix = "@" + state["reject_domain"].lower()
        self.spool = os.path.join(state_directory, "smtp")
        self.lock = threading.Lock()
        self.counter = 0
        os.makedirs(os.path.join(self.spool, "messages"), exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith(self.reject_suffix):
            print(f"smtp: rejected recipient {address}", flush=True)
            return "550 5.1.1 Recipient rejected: the test server rejects this domain"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        with self.lock:
            self.counter += 1
            counter = self.counter
        copy = os.path.join(self.spool, "messages", f"{counter:04d}.eml")
        with open(copy, "wb") as file:
            file.write(data)
        path = maildir.write_message(
            self.inbox, maildir.delivery_name(counter), data, self.uid, self.gid
        )
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "size": len(data),
            "copy": copy,
            "maildir_file": path,
        }
        with self.lock, open(os.path.join(self.spool, "envelopes.jsonl"), "a") as log:
            log.write(json.dumps(record) + "\n")
        return "250 2.0.0 OK delivered"


class PasswordCheck:
    """aiosmtpd authenticator that compares with STATEDIR/password on every attempt.

    Reading the file each time lets `scripts/mailserver set-password` take effect at once.
    """

    def __init__(self, state_directory, user):
        self.password_file = os.path.join(state_directory, "password")
        self.user = user

    def __call__(self, server, session, envelope, mechanism, auth_data):
        # aiosmtpd 1.4 sends no reply at all for a result with handled=True (the default),
        # so a failed attempt must return handled=False to get the 535 reply.
        failure = AuthResult(success=False, handled=False)
        if not isinstance(auth_data, LoginPassword):
            print(f"smtp: unsupported authentication mechanism {mechanism}", flush=True)
            return failure
        with open(self.password_file, "rb") as file:
            expected = file.read().rstrip(b"\n")
        if auth_data.login == self.user.encode() and auth_data.password == expected:
            return AuthResult(success=True)
        print(f"smtp: {mechanism} authentication failed for login {auth_data.login!r}", flush=True)
        return failure


def make_tls_context(state):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(state["cert_file"], state["key_file"])
    return context


def main():
    state_directory = sys.argv[1]
    with open(os.path.join(state_directory, "state.json")) as file:
        state = json.load(file)

    handler = Delivery(state_directory, state)
    authenticator = PasswordCheck(state_directory, state["user"])
    tls = make_tls_context(state)
    common = dict(
        hostname=state["host"],
        authenticator=authenticator,
        auth_required=True,
        decode_data=False,
        ident="kith-test-smtp",
    )

    starttls = Controller(
        handler, port=state["smtp_port"], tls_context=tls, require_starttls=True, **common
    )
    # aiosmtpd cannot tell that an implicit-TLS session is encrypted, so it would reject AUTH
    # there unless auth_require_tls is off; the whole session is TLS anyway.
    implicit = Controller(
        handler, port=state["smtps_port"], ssl_context=tls, auth_require_tls=False, **common
    )

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())

    try:
        starttls.start()
        try:
            implicit.start()
        except BaseException:
            starttls.stop()
            raise
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"smtp: port in use: {error}", flush=True)
            sys.exit(EXIT_PORT_IN_USE)
        raise

    pid_file = os.path.join(state_directory, "smtp.pid")
    with open(pid_file + ".tmp", "w") as file:
        file.write(f"{os.getpid()}\n")
    os.rename(pid_file + ".tmp", pid_file)
    print(f"smtp: listening on {state['host']}:{state['smtp_port']} (STARTTLS) "
          f"and :{state['smtps_port']} (TLS)", flush=True)

    while not stopping.wait(3600):
        pass

    implicit.stop()
    starttls.stop()
    print("smtp: stopped", flush=True)


if __name__ == "__main__":
    main()
