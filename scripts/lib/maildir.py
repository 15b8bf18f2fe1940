"""Writes messages into a Maildir the way a delivery agent does: tmp/, then rename.

Shared by scripts/mailserver (seeding, `deliver`) and scripts/lib/smtpserver.py.
"""

import os
import socket
import time

# Seeded files get fake delivery times starting here (2001-09-09), one second apart, so that
# both their names and their times sort in input order and Dovecot assigns ascending UIDs.
SEED_EPOCH = 1_000_000_000


def make_folder(path, uid, gid):
    """Creates a Maildir folder (cur, new, tmp) at `path` if it is missing."""
    for sub in ("", "cur", "new", "tmp"):
        directory = os.path.join(path, sub)
        os.makedirs(directory, mode=0o700, exist_ok=True)
        _own(directory, uid, gid)


def seed_name(index):
    """Returns the file name for the `index`-th seeded message (0-based)."""
    return f"{SEED_EPOCH + index}.M{index:06d}P0.kith"


def delivery_name(counter, microseconds=None):
    """Returns a unique Maildir file name for a message delivered at `microseconds`.

    `microseconds` counts from the Unix epoch and defaults to now. Dovecot 2.3 orders new files
    by the seconds and then the `M` microseconds in their names (maildir_filename_sort_cmp),
    so callers that deliver a batch pass increasing values to keep UIDs in batch order.
    """
    if microseconds is None:
        microseconds = time.time_ns() // 1000
    seconds, fraction = divmod(microseconds, 1_000_000)
    host = socket.gethostname().replace("/", "_").replace(":", "_") or "localhost"
    return f"{seconds}.M{fraction:06d}P{os.getpid()}Q{counter}.{host}"


def write_message(folder, name, data, uid, gid, subfolder="new", flags=None):
    """Writes `data` unchanged into `folder`/tmp, then renames it into `subfolder`.

    The rename is atomic, so Dovecot never sees a half-written file. `flags` (for example "S")
    are appended as the Maildir info `:2,FLAGS` and are only valid with subfolder "cur".
    Returns the final path.
    """
    temporary = os.path.join(folder, "tmp", name)
    final_name = name if flags is None else f"{name}:2,{flags}"
    final = os.path.join(folder, subfolder, final_name)

    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)

    _own(temporary, uid, gid)
    os.rename(temporary, final)
    return final


def _own(path, uid, gid):
    # Only root can give files away; any other user writes files that already belong to it.
    if os.geteuid() == 0 and (uid, gid) != (0, 0):
        os.chown(path, uid, gid)
