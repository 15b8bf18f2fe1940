#!/usr/bin/python3
"""Streams a whole IMAP mailbox once over TLS and discards the bytes: a lower bound for a sync.

Usage: bench/lib/imap_stream.py --host H --port P --user U --ca-file CA [--mailbox INBOX]
The password is read from the first line of standard input.

It logs in over implicit TLS (IMAPS), EXAMINEs the mailbox, sends one
`UID FETCH 1:* BODY.PEEK[]` and reads every response until the tagged OK. Literals
({N} followed by N bytes) are skipped by count, so message bodies that contain "a3 OK" or
CRLF never end the read early. Prints "MESSAGES BYTES" (the FETCH responses with a body and the
sum of the body sizes) on standard output, and exits with status 1 on any failure.
"""

import argparse
import re
import socket
import ssl
import sys

READ_SIZE = 1 << 20
TIMEOUT = 300.0  # seconds without any data before the read fails
LITERAL = re.compile(rb"\{(\d+)\}$")


class ProtocolError(Exception):
    pass


class Reader:
    """A buffered reader of CRLF lines and fixed-size literals from a socket."""

    def __init__(self, connection):
        self.connection = connection
        self.buffer = bytearray()
        self.position = 0

    def _fill(self):
        data = self.connection.recv(READ_SIZE)
        if not data:
            raise ProtocolError("the server closed the connection")
        if self.position:
            del self.buffer[:self.position]
            self.position = 0
        self.buffer += data

    def line(self):
        """Returns the next line without its CRLF."""
        while True:
            end = self.buffer.find(b"\r\n", self.position)
            if end >= 0:
                line = bytes(self.buffer[self.position:end])
                self.position = end + 2
                return line
            self._fill()

    def skip(self, count):
        """Consumes `count` bytes without keeping them."""
        available = len(self.buffer) - self.position
        if available >= count:
            self.position += count
            return
        count -= available
        self.buffer.clear()
        self.position = 0
        while count > 0:
            data = self.connection.recv(min(count, READ_SIZE))
            if not data:
                raise ProtocolError("the server closed the connection inside a literal")
            count -= len(data)

    def response(self):
        """Returns (first line, total literal bytes) for one whole response, literals included."""
        first = line = self.line()
        literal_bytes = 0
        while True:
            match = LITERAL.search(line)
            if match is None:
                return first, literal_bytes
            size = int(match.group(1))
            self.skip(size)
            literal_bytes += size
            line = self.line()


def command(connection, reader, tag, text):
    """Sends `tag text` and reads responses until the tagged one; returns the untagged count."""
    connection.sendall(tag + b" " + text + b"\r\n")
    untagged = 0
    while True:
        first, _ = reader.response()
        if first.startswith(tag + b" "):
            if not first[len(tag) + 1:].startswith(b"OK"):
                raise ProtocolError(f"{tag.decode()} failed: {first.decode(errors='replace')}")
            return untagged
        untagged += 1


def quote(value):
    return b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def stream(host, port, user, password, ca_file, mailbox):
    context = ssl.create_default_context(cafile=ca_file)
    raw = socket.create_connection((host, port), timeout=TIMEOUT)
    with context.wrap_socket(raw, server_hostname=host) as connection:
        reader = Reader(connection)
        greeting = reader.line()
        if not greeting.startswith(b"* OK"):
            raise ProtocolError(f"unexpected greeting: {greeting.decode(errors='replace')}")
        command(connection, reader, b"a1", b"LOGIN " + quote(user.encode()) + b" "
                + quote(password.encode()))
        command(connection, reader, b"a2", b"EXAMINE " + quote(mailbox.encode()))

        connection.sendall(b"a3 UID FETCH 1:* BODY.PEEK[]\r\n")
        messages = 0
        total = 0
        while True:
            first, literal_bytes = reader.response()
            if first.startswith(b"a3 "):
                if not first.startswith(b"a3 OK"):
                    raise ProtocolError(f"UID FETCH failed: {first.decode(errors='replace')}")
                break
            if first.startswith(b"* ") and b" FETCH " in first and literal_bytes:
                messages += 1
                total += literal_bytes

        command(connection, reader, b"a4", b"LOGOUT")
    return messages, total


def main():
    parser = argparse.ArgumentParser(description="Fetch a whole IMAP mailbox once over TLS.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="IMAPS (implicit TLS) port")
    parser.add_argument("--user", required=True)
    parser.add_argument("--ca-file", required=True, help="PEM file with the server's CA")
    parser.add_argument("--mailbox", default="INBOX")
    options = parser.parse_args()
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        messages, total = stream(options.host, options.port, options.user, password,
                                 options.ca_file, options.mailbox)
    except (OSError, ProtocolError) as error:
        print(f"imap_stream: {error}", file=sys.stderr)
        return 1
    print(messages, total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
