#!/usr/bin/python3
"""Writes N synthetic but realistic RFC 5322 messages into a folder of .eml files.

Usage: bench/lib/generate_messages.py --count N [--seed S] OUTPUT_DIR

The output depends only on N, the seed and GENERATOR_VERSION: the same arguments give
byte-identical files. The mix follows ordinary business mail:
  - 84 % text/plain, 2 to 20 KB, log-uniform, UTF-8 quoted-printable for some senders,
  - 8 % multipart/alternative with a text and an HTML part, 5 to 40 KB,
  - 8 % multipart/mixed with one or two base64 attachments, 50 to 500 KB in total.
Senders come from a pool of about 300 people at 40 companies. About 60 % of the messages
reply to an earlier thread (In-Reply-To, References, "Re:" subject, quoted text), and the
dates run forward from 2019 to 2026 in file order.
Files are named 000001.eml, 000002.eml, ... with LF line endings, as in a Maildir.
"""

import argparse
import base64
import datetime
import os
import random
import sys
import unicodedata

# Bump when the output for a given count and seed changes, so that cached folders are rebuilt.
GENERATOR_VERSION = 1

OWNER = ("Kith Bench", "kith@example.test")
FIRST_DATE = datetime.datetime(2019, 1, 2, 8, 0, tzinfo=datetime.timezone.utc)
LAST_DATE = datetime.datetime(2026, 11, 30, 18, 0, tzinfo=datetime.timezone.utc)

FIRST_NAMES = [
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Irene", "Jonas",
    "Kara", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sam", "Tara",
    "Uma", "Victor", "Wendy", "Xavier", "Yara", "Zane", "José", "Zoë", "Søren", "Ingrid",
    "Mei", "Ravi", "Aisha", "Björn", "Chloé", "Dmitri", "Émile", "Fatima", "Giulia", "Hiro",
]
LAST_NAMES = [
    "Adams", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ivanova",
    "Jensen", "Kowalski", "Lopez", "Müller", "Nakamura", "O'Brien", "Petrov", "Quinto", "Rossi",
    "Schmidt", "Tanaka", "Urban", "Vogel", "Weber", "Xu", "Young", "Zimmermann", "Novák",
    "Łukasik", "García", "Åberg",
]
COMPANIES = [
    "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "tyrell",
    "cyberdyne", "soylent", "wonka", "gringotts", "oceanic", "aperture", "blackmesa",
    "monarch", "dunder", "pied-piper", "nakatomi", "massive", "virtucon", "zorg", "octan",
    "gekko", "prestige", "sirius", "veridian", "weyland", "yoyodyne", "kramerica", "bluth",
    "sterling", "pendant", "lacuna", "rekall", "omni", "spacely", "cogswell", "krusty",
]
SUBJECT_TOPICS = [
    "Quarterly review", "Contract renewal", "Invoice", "Meeting notes", "Project kickoff",
    "Pricing proposal", "Support ticket", "Onboarding plan", "Roadmap update", "Budget draft",
    "Shipping delay", "Partnership idea", "Workshop agenda", "Feedback on the demo",
    "License question", "Security review", "Data export", "Travel plans", "Hiring update",
    "Product launch", "Order confirmation", "Service outage", "Training schedule", "Offer",
]
SUBJECT_DETAILS = [
    "Q1", "Q2", "Q3", "Q4", "next steps", "follow-up", "draft", "final version", "v2",
    "for review", "urgent", "reminder", "summary", "open points", "signed copy", "update",
]
WORDS = (
    "the a we you our your team customer order invoice contract meeting call week month "
    "quarter plan project update review draft proposal price budget delivery schedule "
    "account support issue ticket question answer thanks please let know attached send "
    "confirm agree discuss next steps share details report numbers sales growth product "
    "feature release version client partner office travel deadline Friday Monday today "
    "tomorrow soon later already still again also just only more less about around after "
    "before during with without for from into on at by of to and but so because if when "
    "is are was were will would can could should have has had do does did be been get "
    "got make made take took see saw look check work working need needs want like think "
    "new old good great best fine small large early late short long clear open final "
    "legal finance marketing engineering design operations warehouse shipment pallet "
    "licence renewal discount terms payment bank transfer receipt tax VAT euro dollar"
).split()
ATTACHMENTS = [
    ("application/pdf", "pdf"), ("image/png", "png"), ("image/jpeg", "jpg"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/zip", "zip"),
]
MAILERS = [
    "Mozilla Thunderbird 115.4.1", "Microsoft Outlook 16.0", "Apple Mail (2.3731)",
    "aerc 0.16.0", "Roundcube Webmail/1.6.5", None, None, None,
]


class People:
    """The sender pool: 300 people, each with a name, an address and a company."""

    def __init__(self, rng):
        pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(pairs)
        self.people = []
        for index, (first, last) in enumerate(pairs[:300]):
            company = COMPANIES[index % len(COMPANIES)]
            local = ascii_fold(f"{first}.{last}").lower().replace("'", "")
            self.people.append({
                "name": f"{first} {last}",
                "address": f"{local}@{company}.example",
                "company": company.replace("-", " ").title(),
            })

    def pick(self, rng):
        # Half of the picks favour the first people in the pool, so a few contacts write much
        # more often than the rest, as in a real inbox. The most frequent sends about 3 %.
        if rng.random() < 0.5:
            return self.people[int(len(self.people) * rng.random() ** 2)]
        return rng.choice(self.people)


def ascii_fold(text):
    """Returns `text` without accents, for the local part of an address: "Søren" -> "Soren"."""
    # NFKD splits "é" into "e" and a combining accent; ø and ł have no decomposition.
    decomposed = unicodedata.normalize("NFKD", text.translate(str.maketrans("øØłŁ", "oOlL")))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).encode(
        "ascii", "ignore").decode()


def encode_display_name(name):
    """Returns `name` as an RFC 2047 encoded-word when it is not ASCII, quoted otherwise."""
    if name.isascii():
        return f'"{name}"' if "'" in name else name
    encoded = base64.b64encode(name.encode()).decode()
    return f"=?UTF-8?B?{encoded}?="


def quoted_printable(text):
    """Encodes UTF-8 `text` as quoted-printable lines of at most 76 characters."""
    lines = []
    for line in text.split("\n"):
        encoded = []
        for byte in line.encode():
            if byte == 0x3D or byte > 0x7E or (byte < 0x20 and byte != 0x09):
                encoded.append(f"={byte:02X}")
            else:
                encoded.append(chr(byte))
        current = ""
        for piece in encoded:
            if len(current) + len(piece) > 75:
                lines.append(current + "=")
                current = ""
            current += piece
        # Transports may strip trailing white space, so RFC 2045 (6.7, rule 3) has it encoded.
        if current.endswith((" ", "\t")):
            encoded_space = f"={ord(current[-1]):02X}"
            current = current[:-1]
            if len(current) + len(encoded_space) > 76:
                lines.append(current + "=")
                current = ""
            current += encoded_space
        lines.append(current)
    return "\n".join(lines)


class TextSource:
    """Pre-built sentences, so that a 20 KB body costs a few hundred random picks."""

    def __init__(self, rng):
        self.sentences = []
        for _ in range(3000):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 22))]
            sentence = " ".join(words)
            self.sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".....?!"))

    def paragraphs(self, rng, size):
        """Returns plain text of about `size` characters, wrapped at 72 columns."""
        out = []
        total = 0
        while total < size:
            paragraph = " ".join(rng.choice(self.sentences) for _ in range(rng.randint(2, 7)))
            wrapped = wrap(paragraph, 72)
            out.append(wrapped)
            total += len(wrapped) + 2
        return "\n\n".join(out)


def wrap(text, width):
    lines = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


def log_uniform(rng, low, high):
    return int(low * (high / low) ** rng.random())


class Generator:
    def __init__(self, count, seed):
        self.count = count
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.text = TextSource(self.rng)
        self.threads = []  # open threads, newest last: dicts with subject, ids, people
        self.seed = seed

    def date_for(self, index):
        span = (LAST_DATE - FIRST_DATE).total_seconds()
        base = FIRST_DATE + datetime.timedelta(seconds=span * index / max(self.count, 1))
        jitter = datetime.timedelta(seconds=self.rng.randint(0, 3600))
        offset = datetime.timezone(datetime.timedelta(minutes=self.rng.choice(
            [0, 60, 120, -300, -240, -420, 330, 540, 600])))
        return (base + jitter).astimezone(offset)

    def message(self, index):
        """Returns the text of the `index`-th message (0-based), headers and body."""
        rng = self.rng
        sender = self.people.pick(rng)
        date = self.date_for(index)
        message_id = f"<{date.strftime('%Y%m%d%H%M%S')}.{index}.{self.seed}@" \
                     f"{sender['address'].split('@')[1]}>"
        thread, subject, in_reply_to, references = self.join_thread(sender, message_id)

        kind = rng.random()
        if kind < 0.84:
            body_size = log_uniform(rng, 1200, 19000)
            content_type = None
        elif kind < 0.92:
            body_size = log_uniform(rng, 1500, 12000)
            content_type = "alternative"
        else:
            body_size = log_uniform(rng, 800, 6000)
            content_type = "mixed"
        text = self.body_text(sender, date, body_size, is_reply=in_reply_to is not None)

        headers = self.headers(sender, thread, date, message_id, subject, in_reply_to, references)
        if content_type is None:
            body, mime = self.text_part(text)
            return headers + mime + "\n" + body + "\n"
        if content_type == "alternative":
            return headers + self.alternative(text, sender, index)
        return headers + self.mixed(text, sender, index)

    def join_thread(self, sender, message_id):
        """Starts a thread or picks a recent one (60 %); returns it with the reply headers."""
        rng = self.rng
        thread = None
        if self.threads and rng.random() < 0.6:
            # Usually one of the latest 20 threads, now and then an older one.
            thread = self.threads[max(0, len(self.threads) - 1 - int(rng.expovariate(0.05)))]
        if thread is None:
            topic = f"{rng.choice(SUBJECT_TOPICS)}: {rng.choice(SUBJECT_DETAILS)}"
            thread = {"subject": topic, "ids": [], "people": [sender]}
            self.threads.append(thread)
            if len(self.threads) > 400:
                del self.threads[0]
            subject = topic
        else:
            subject = "Re: " + thread["subject"]

        in_reply_to = thread["ids"][-1] if thread["ids"] else None
        references = thread["ids"][-10:]
        thread["ids"].append(message_id)
        if sender not in thread["people"]:
            thread["people"].append(sender)
        return thread, subject, in_reply_to, references

    def body_text(self, sender, date, size, is_reply):
        """Returns a greeting, about `size` characters of text, a signature and, in most
        replies, quoted text."""
        rng = self.rng
        text = self.text.paragraphs(rng, size)
        greeting = f"Hi {OWNER[0].split()[0]},\n\n"
        signature = f"\n\nBest regards,\n{sender['name']}\n{sender['company']}\n"
        if is_reply and rng.random() < 0.7:
            quoted = "\n".join("> " + line for line in
                               self.text.paragraphs(rng, rng.randint(300, 1500)).split("\n"))
            text = f"{text}\n\nOn {date.strftime('%a, %d %b %Y')}, someone wrote:\n{quoted}"
        return greeting + text + signature

    def headers(self, sender, thread, date, message_id, subject, in_reply_to, references):
        rng = self.rng
        hops = rng.randint(1, 3)
        lines = [f"Return-Path: <{sender['address']}>"]
        for hop in range(hops):
            stamp = (date + datetime.timedelta(seconds=hops - hop)).strftime(
                "%a, %d %b %Y %H:%M:%S %z")
            lines.append(f"Received: from mx{hop + 1}.{sender['address'].split('@')[1]} "
                         f"(mx{hop + 1}.example [192.0.2.{(hop * 37 + 11) % 250}])\n"
                         f"\tby mail.example.test with ESMTPS id {rng.getrandbits(48):012x};\n"
                         f"\t{stamp}")

        lines.append(f"Message-ID: {message_id}")
        lines.append("Date: " + date.strftime("%a, %d %b %Y %H:%M:%S %z"))
        lines.append(f"From: {encode_display_name(sender['name'])} <{sender['address']}>")
        lines.append(f"To: {OWNER[0]} <{OWNER[1]}>")
        others = [p for p in thread["people"] if p is not sender][:3]
        if others:
            lines.append("Cc: " + ",\n ".join(
                f"{encode_display_name(p['name'])} <{p['address']}>" for p in others))

        if subject.isascii():
            lines.append(f"Subject: {subject}")
        else:
            lines.append(f"Subject: =?UTF-8?B?{base64.b64encode(subject.encode()).decode()}?=")
        if in_reply_to:
            lines.append(f"In-Reply-To: {in_reply_to}")
            lines.append("References: " + "\n ".join(references))

        mailer = rng.choice(MAILERS)
        if mailer:
            lines.append(f"X-Mailer: {mailer}")
        lines.append("MIME-Version: 1.0")
        return "\n".join(lines) + "\n"

    def text_part(self, text):
        """Returns (body, header lines) for a text/plain part."""
        if text.isascii():
            return text, "Content-Type: text/plain; charset=us-ascii; format=flowed\n" \
                         "Content-Transfer-Encoding: 7bit\n"
        return quoted_printable(text), "Content-Type: text/plain; charset=utf-8\n" \
                                       "Content-Transfer-Encoding: quoted-printable\n"

    def boundary(self, index, part):
        return f"=_kith_{self.seed}_{index}_{part}_{self.rng.getrandbits(32):08x}"

    def alternative(self, text, sender, index):
        boundary = self.boundary(index, "alt")
        body, mime = self.text_part(text)
        paragraphs = "\n".join(
            f"<p style=\"margin:0 0 12px 0;font-family:Arial,sans-serif\">"
            f"{paragraph.replace('&', '&amp;').replace('<', '&lt;').replace(chr(10), ' ')}</p>"
            for paragraph in text.split("\n\n"))
        html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>"
                "body{font-size:14px;color:#222}</style></head>\n<body>\n<div>\n"
                f"{paragraphs}\n</div>\n</body></html>")
        html_body = quoted_printable(html)
        return (f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n"
                f"This is a multi-part message in MIME format.\n"
                f"--{boundary}\n{mime}\n{body}\n"
                f"--{boundary}\nContent-Type: text/html; charset=utf-8\n"
                f"Content-Transfer-Encoding: quoted-printable\n\n{html_body}\n"
                f"--{boundary}--\n")

    def mixed(self, text, sender, index):
        rng = self.rng
        boundary = self.boundary(index, "mix")
        body, mime = self.text_part(text)
        parts = [f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\n\n"
                 f"This is a multi-part message in MIME format.\n"
                 f"--{boundary}\n{mime}\n{body}\n"]
        # 50 to 500 KB of message in total; base64 grows the payload by a third.
        remaining = log_uniform(rng, 50_000, 500_000) - len(text)
        count = 1 if rng.random() < 0.7 else 2
        for number in range(count):
            size = max(2000, int(remaining * 3 / 4 / count))
            content_type, extension = rng.choice(ATTACHMENTS)
            name = f"{rng.choice(SUBJECT_TOPICS).lower().replace(' ', '-')}-{number + 1}.{extension}"
            data = base64.encodebytes(rng.randbytes(size)).decode()
            parts.append(f"--{boundary}\nContent-Type: {content_type}; name=\"{name}\"\n"
                         f"Content-Disposition: attachment; filename=\"{name}\"\n"
                         f"Content-Transfer-Encoding: base64\n\n{data}")
        parts.append(f"--{boundary}--\n")
        return "".join(parts)


def generate(count, seed, output):
    """Writes `count` messages into the folder `output`, which must not exist yet."""
    partial = output + ".partial"
    if os.path.exists(partial):
        for name in os.listdir(partial):
            os.remove(os.path.join(partial, name))
    else:
        os.makedirs(partial)
    generator = Generator(count, seed)
    total = 0
    for index in range(count):
        data = generator.message(index).encode()
        total += len(data)
        with open(os.path.join(partial, f"{index + 1:06d}.eml"), "wb") as file:
            file.write(data)
    # The rename marks the folder complete: an interrupted run leaves only OUTPUT.partial.
    os.rename(partial, output)
    return total


def main():
    parser = argparse.ArgumentParser(description="Write N synthetic messages as .eml files.")
    parser.add_argument("--count", type=int, required=True, help="number of messages")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("output", help="folder to create; it must not exist")
    options = parser.parse_args()
    if options.count < 1:
        parser.error(f"--count must be at least 1, not {options.count}")
    if os.path.exists(options.output):
        parser.error(f"{options.output} already exists")
    total = generate(options.count, options.seed, os.path.abspath(options.output))
    print(f"wrote {options.count} messages, {total / 1e6:.1f} MB, to {options.output}")


if __name__ == "__main__":
    sys.exit(main())
