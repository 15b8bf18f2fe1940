import Foundation

/// The store's schema as a list of migrations; `PRAGMA user_version` counts those applied.
enum Schema {
  /// Migration `i` brings the schema from version `i` to `i + 1`. Append new ones, never edit
  /// an old one, because stores in the field already ran it.
  static let migrations: [String] = [version1, version2, version3, version4, version5, version6]

  /// The version a fully migrated store has.
  static var currentVersion: Int { migrations.count }

  /// Opens the connection's settings and brings the schema up to date.
  ///
  /// - Throws: `KithError` with `.store` when a migration fails (that migration rolls back)
  ///   or when the file was written by a newer Kith.
  static func prepare(_ database: Database) throws {
    // The timeout comes first: switching a new file to WAL needs the write lock, which a
    // second kith process opening the same new store holds while it migrates.
    try database.execute("PRAGMA busy_timeout = 5000")
    // Takes effect only while the file is empty, so older stores keep their page size. Bodies
    // of tens of KiB fill chains of overflow pages, and SQLite writes each page with its own
    // system call, two per page into the WAL. In bench/sync, 16 KiB pages cut a first sync's
    // system time by about a third.
    try database.execute("PRAGMA page_size = 16384")
    try enableWAL(database)
    try database.execute("PRAGMA foreign_keys = ON")
    // FULL (SQLite's default) syncs the WAL on every commit, so a committed change survives a
    // power loss, not only a killed process. `storeFetched` lowers it for fetched mail.
    try database.execute("PRAGMA synchronous = FULL")

    let version = try userVersion(database)
    guard version <= currentVersion else {
      throw KithError(
        .store,
        "The store at \(database.path) has schema version \(version), newer than this Kith supports (\(currentVersion)). Update Kith.")
    }
    for next in version..<currentVersion {
      try database.transaction {
        // Another kith process may have applied this migration between the version read
        // above and this transaction's write lock.
        guard try userVersion(database) == next else { return }
        try database.execute(migrations[next])
        try database.execute("PRAGMA user_version = \(next + 1)")
      }
    }
  }

  /// Switches the file to WAL; in-memory databases stay in "memory" mode, which is fine.
  ///
  /// Two processes that open a new store at once both switch it, and SQLite then returns
  /// SQLITE_BUSY to one of them without calling the busy handler, because each holds a shared
  /// lock that the other needs. That one retries every 50 ms for up to 5 seconds. The cause
  /// text is SQLite's fixed message for SQLITE_BUSY, since `KithError` keeps no result code.
  private static func enableWAL(_ database: Database) throws {
    var attempts = 0
    while true {
      do {
        try database.execute("PRAGMA journal_mode = WAL")
        return
      } catch let error as KithError where error.cause == "database is locked" && attempts < 100 {
        attempts += 1
        usleep(50_000)
      }
    }
  }

  static func userVersion(_ database: Database) throws -> Int {
    try database.firstRow("PRAGMA user_version") { $0.int(0) } ?? 0
  }

  // Dates are REAL seconds since 1970. Addresses are compared through `email_norm`, the
  // lower-cased address, so linking mail to contacts is a join on that column.
  private static let version1 = """
    CREATE TABLE accounts (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      owner TEXT
    );

    CREATE TABLE folders (
      id INTEGER PRIMARY KEY,
      account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      uidvalidity INTEGER NOT NULL,
      highest_uid INTEGER NOT NULL DEFAULT 0,
      UNIQUE (account, name)
    );

    -- subject_key: the normalized subject used to group messages without references.
    -- needs_root: 1 while the thread holds only replies found by subject, so that an original
    -- without references that arrives later can still join it.
    CREATE TABLE threads (
      id INTEGER PRIMARY KEY,
      account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      subject_key TEXT NOT NULL,
      needs_root INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX threads_by_subject ON threads (account, subject_key);

    -- Every Message-ID seen in an account, as a message's own or as a reference, mapped to
    -- its thread. Referenced but missing parents are here too, so that two replies to the
    -- same missing message share a thread.
    CREATE TABLE thread_message_ids (
      account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      message_id TEXT NOT NULL,
      thread INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
      PRIMARY KEY (account, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX thread_message_ids_by_thread ON thread_message_ids (thread);

    -- sort_date: the Date header, else the internal date; views order by it.
    -- is_duplicate: 1 when an older row of the same account has the same Message-ID (the
    -- same mail in Inbox and Sent); views skip duplicates.
    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      account INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      folder INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
      uidvalidity INTEGER NOT NULL,
      uid INTEGER NOT NULL,
      flags TEXT NOT NULL DEFAULT '',
      is_seen INTEGER NOT NULL DEFAULT 0,
      internal_date REAL,
      message_id TEXT,
      in_reply_to TEXT,
      "references" TEXT NOT NULL DEFAULT '',
      subject TEXT,
      date REAL,
      sort_date REAL,
      from_text TEXT NOT NULL DEFAULT '',
      to_text TEXT NOT NULL DEFAULT '',
      body_text TEXT NOT NULL DEFAULT '',
      attachments TEXT NOT NULL DEFAULT '[]',
      raw BLOB NOT NULL,
      size INTEGER NOT NULL,
      thread_id INTEGER NOT NULL REFERENCES threads(id),
      is_duplicate INTEGER NOT NULL DEFAULT 0,
      UNIQUE (folder, uidvalidity, uid)
    );
    CREATE INDEX messages_by_thread ON messages (thread_id, sort_date);
    CREATE INDEX messages_by_message_id ON messages (account, message_id);

    -- role: from, to, cc or reply-to; position keeps the header's order.
    CREATE TABLE message_addresses (
      message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      position INTEGER NOT NULL,
      name TEXT,
      email TEXT NOT NULL,
      email_norm TEXT NOT NULL
    );
    CREATE INDEX message_addresses_by_email ON message_addresses (email_norm, message);
    CREATE INDEX message_addresses_by_message ON message_addresses (message);

    CREATE TABLE companies (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      domain TEXT,
      notes TEXT
    );

    CREATE TABLE contacts (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      phone TEXT,
      title TEXT,
      notes TEXT,
      company INTEGER REFERENCES companies(id) ON DELETE SET NULL,
      owner TEXT
    );
    CREATE INDEX contacts_by_company ON contacts (company);

    CREATE TABLE contact_emails (
      contact INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      email TEXT NOT NULL,
      email_norm TEXT NOT NULL UNIQUE
    );
    CREATE INDEX contact_emails_by_contact ON contact_emails (contact, position);
    """

  // Flag changes made in Kith that the server has not confirmed yet. The sync actor sends
  // them with UID STORE and deletes each row once the server accepted it.
  private static let version2 = """
    CREATE TABLE pending_flag_changes (
      message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      flag TEXT NOT NULL,
      is_added INTEGER NOT NULL,
      PRIMARY KEY (message, flag)
    );
    """

  // lowest_uid and highest_uid bound the UID range whose messages are all stored, so that a
  // newest-first fetch resumes without gaps. Older rows were fetched in ascending order and
  // are complete from UID 1. highest_modseq is the CONDSTORE HIGHESTMODSEQ (RFC 7162) seen
  // when the folder was last fully reconciled, 0 when unknown.
  // carried_flags keeps local flag state of messages dropped by a UIDVALIDITY change, keyed
  // by Message-ID, until the new copy of the message arrives.
  private static let version3 = """
    ALTER TABLE folders ADD COLUMN lowest_uid INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE folders ADD COLUMN highest_modseq INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE carried_flags (
      folder INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
      message_id TEXT NOT NULL,
      flag TEXT NOT NULL,
      is_added INTEGER NOT NULL,
      PRIMARY KEY (folder, message_id, flag)
    );
    """

  // The raw bodies move to a table of their own, so that a scan of `messages` (views, the
  // no-change resync) reads small rows, and a row's metadata shares no page with its body.
  // DROP COLUMN needs SQLite 3.35 or later and rewrites the table once.
  private static let version4 = """
    CREATE TABLE messages_raw (
      message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      raw BLOB NOT NULL
    );
    INSERT INTO messages_raw (message, raw) SELECT id, raw FROM messages;
    ALTER TABLE messages DROP COLUMN raw;
    """

  // The body text and attachment list are no longer stored. The message pane parses them
  // from messages_raw when it shows a message, so a first sync converts no bodies and
  // writes no second copy of each body's text.
  private static let version5 = """
    ALTER TABLE messages DROP COLUMN body_text;
    ALTER TABLE messages DROP COLUMN attachments;
    """

  // New bodies go to append-only files beside the store (see `BodyFiles`), and this table
  // records where each one is. Bodies stored before stay in messages_raw, which an in-memory
  // store still uses. `checksum` is the UInt64 bit pattern of `BodyChecksum`. The index
  // covers `length`, so that summing a pack's live bytes reads only the index.
  private static let version6 = """
    CREATE TABLE body_locations (
      message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      pack INTEGER NOT NULL,
      offset INTEGER NOT NULL,
      length INTEGER NOT NULL,
      checksum INTEGER NOT NULL
    );
    CREATE INDEX body_locations_by_pack ON body_locations (pack, length);
    """
}
