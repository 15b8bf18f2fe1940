"""Tests for the benchmark's message generator and TLS stream client.

Run: /usr/bin/python3 -m unittest discover -s bench/tests
"""

import email
import email.policy
import os
import quopri
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import generate_messages  # noqa: E402
import imap_stream  # noqa: E402


def read_folder(folder):
    files = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as file:
            files[name] = file.read()
    return files


class GeneratorTests(unittest.TestCase):
    COUNT = 300

    @classmethod
    def setUpClass(cls):
        cls.temporary = tempfile.TemporaryDirectory()
        cls.folder = os.path.join(cls.temporary.name, "seed1")
        generate_messages.generate(cls.COUNT, 1, cls.folder)
        cls.files = read_folder(cls.folder)

    @classmethod
    def tearDownClass(cls):
        cls.temporary.cleanup()

    def test_same_seed_same_bytes(self):
        again = os.path.join(self.temporary.name, "seed1-again")
        generate_messages.generate(self.COUNT, 1, again)
        self.assertEqual(read_folder(again), self.files)

    def test_other_seed_other_bytes(self):
        other = os.path.join(self.temporary.name, "seed2")
        generate_messages.generate(self.COUNT, 2, other)
        self.assertNotEqual(read_folder(other), self.files)

    def test_names_and_count(self):
        self.assertEqual(len(self.files), self.COUNT)
        self.assertEqual(next(iter(self.files)), "000001.eml")
        self.assertFalse(os.path.exists(self.folder + ".partial"))

    def test_messages_parse_without_defects(self):
        for name, data in self.files.items():
            message = email.message_from_bytes(data, policy=email.policy.default)
            self.assertEqual(message.defects, [], name)
            for part in message.walk():
                self.assertEqual(part.defects, [], name)
            self.assertIsNotNone(message["Message-ID"], name)
            self.assertIsNotNone(message["Date"], name)

    def test_size_mix(self):
        sizes = [len(data) for data in self.files.values()]
        small = sum(2_000 <= size <= 22_000 for size in sizes)
        large = sum(50_000 <= size <= 520_000 for size in sizes)
        self.assertGreater(small / len(sizes), 0.75)
        self.assertGreater(large, 0)
        self.assertLess(large / len(sizes), 0.15)

    def test_content_types(self):
        types = set()
        for data in self.files.values():
            types.add(email.message_from_bytes(data).get_content_type())
        self.assertEqual(types, {"text/plain", "multipart/alternative", "multipart/mixed"})

    def test_replies_point_to_earlier_messages(self):
        seen = set()
        replies = 0
        for name, data in self.files.items():
            message = email.message_from_bytes(data)
            parent = message["In-Reply-To"]
            if parent:
                replies += 1
                self.assertIn(parent, seen, name)
                self.assertTrue(message["Subject"].startswith("Re: "), name)
                self.assertIn(parent, message["References"], name)
            seen.add(message["Message-ID"])
        self.assertGreater(replies / len(self.files), 0.4)

    def test_senders_vary(self):
        senders = {email.message_from_bytes(data)["From"] for data in self.files.values()}
        self.assertGreater(len(senders), 100)


class QuotedPrintableTests(unittest.TestCase):
    def test_round_trip_and_line_length(self):
        text = "Grüße aus Köln = 100 % sicher \n" + "ä" * 200 + "\ntrailing space \n" + "x" * 74 + " "
        encoded = generate_messages.quoted_printable(text)
        for line in encoded.split("\n"):
            self.assertLessEqual(len(line), 76, line)
            self.assertFalse(line.endswith((" ", "\t")), line)
        self.assertEqual(quopri.decodestring(encoded.encode()).decode(), text)


class FakeConnection:
    """A socket stand-in that returns the given bytes in chunks of `chunk` bytes."""

    def __init__(self, data, chunk):
        self.data = data
        self.chunk = chunk

    def recv(self, size):
        piece = self.data[:min(size, self.chunk)]
        self.data = self.data[len(piece):]
        return piece


class StreamReaderTests(unittest.TestCase):
    # The first body contains a line that looks like the tagged OK; only the literal's
    # length tells the reader that it is message data.
    BODY_ONE = b"Subject: x\r\n\r\na3 OK fake\r\n{5}\r\n"
    BODY_TWO = b"hello"
    RESPONSES = (
        b"* 1 FETCH (UID 1 BODY[] {" + str(len(BODY_ONE)).encode() + b"}\r\n" + BODY_ONE
        + b")\r\n"
        + b"* 2 FETCH (UID 2 BODY[] {5}\r\n" + BODY_TWO + b" FLAGS (\\Seen))\r\n"
        + b"a3 OK Fetch completed.\r\n"
    )

    def read_all(self, chunk):
        reader = imap_stream.Reader(FakeConnection(self.RESPONSES, chunk))
        responses = []
        while True:
            first, literal_bytes = reader.response()
            responses.append((first, literal_bytes))
            if first.startswith(b"a3 "):
                return responses

    def test_literals_skipped_by_length(self):
        for chunk in (1, 3, 7, 4096):
            responses = self.read_all(chunk)
            self.assertEqual(len(responses), 3, chunk)
            self.assertEqual(responses[0][1], len(self.BODY_ONE), chunk)
            self.assertEqual(responses[1][1], len(self.BODY_TWO), chunk)
            self.assertEqual(responses[2][0], b"a3 OK Fetch completed.", chunk)

    def test_closed_connection_fails(self):
        reader = imap_stream.Reader(FakeConnection(b"* 1 FETCH (BODY[] {10}\r\nabc", 4096))
        with self.assertRaises(imap_stream.ProtocolError):
            reader.response()


if __name__ == "__main__":
    unittest.main()
