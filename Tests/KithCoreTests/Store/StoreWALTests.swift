import Foundation
import Testing

@testable import KithCore

@Suite struct StoreWALTests {
  private static func fileSize(_ path: String) -> Int {
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    return (attributes?[.size] as? NSNumber)?.intValue ?? 0
  }

  /// Returns `count` messages from `firstUID` on, each with a Subject of about `subjectBytes`.
  /// The bulk is in a header field because bodies go to the body files, not through the WAL.
  private static func batch(from firstUID: UID, count: Int, subjectBytes: Int) -> [FetchedMessage] {
    (0..<count).map { offset in
      let uid = firstUID + UID(offset)
      let subject = String(repeating: "words \(uid) of a long subject ", count: subjectBytes / 30)
      return StoreFixture.message(uid: uid, id: "m\(uid)@example.com", subject: subject)
    }
  }

  @Test func walStaysUnderLimit() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    // Limits below 4 MB are raised to the background checkpoint's threshold.
    let limit = 4 << 20
    let store = try Store(path: path, walLimitBytes: limit)
    let account = try store.accountID(forKey: "ann@example.com")

    // 40 batches of about 500 KB: 20 MB in all, five times the limit.
    var largestWAL = 0
    for index in 0..<40 {
      let messages = Self.batch(from: UID(index * 10 + 1), count: 10, subjectBytes: 50_000)
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
      largestWAL = max(largestWAL, Self.fileSize(path + "-wal"))
    }

    // The WAL may pass the limit by the batch that crossed it, plus the pages of the
    // indexes and tables that batch touched.
    #expect(largestWAL > 0)
    #expect(largestWAL < limit + (2 << 20))
    #expect(try store.messageCount(account: account, folder: "INBOX") == 400)
    #expect(try store.integrityCheck())
  }

  /// A WAL file grown past `Store.walShrinkThresholdBytes` shrinks when a pass ends.
  @Test func walFileShrinksAfterLargeSync() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path, walLimitBytes: 24 << 20)
    let account = try store.accountID(forKey: "ann@example.com")
    var largestWAL = 0
    for index in 0..<40 {
      let messages = Self.batch(from: UID(index * 10 + 1), count: 10, subjectBytes: 50_000)
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
      largestWAL = max(largestWAL, Self.fileSize(path + "-wal"))
    }
    #expect(largestWAL > Store.walShrinkThresholdBytes)
    #expect(Self.fileSize(path + "-wal") > Store.walShrinkThresholdBytes)

    #expect(try store.shrinkWALIfLarge())

    #expect(Self.fileSize(path + "-wal") <= Store.walShrinkThresholdBytes)
    #expect(try store.integrityCheck())
    // A small WAL is left alone.
    try store.setOwner("ann", of: account)
    #expect(try !store.shrinkWALIfLarge())
  }

  @Test func backgroundCheckpointFillsDatabaseFile() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path)
    let account = try store.accountID(forKey: "ann@example.com")
    let sizeBefore = Self.fileSize(path)

    // About 6 MB, more than the 4 MB of WAL that start a background checkpoint.
    for index in 0..<12 {
      let messages = Self.batch(from: UID(index * 10 + 1), count: 10, subjectBytes: 50_000)
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
    }
    let checkpointer = try #require(store.checkpointer)
    checkpointer.waitUntilIdle()

    // Without a checkpoint, every new page would still be in the WAL only.
    #expect(Self.fileSize(path) > sizeBefore + (3 << 20))
    #expect(try store.integrityCheck())
  }

  @Test func newStoreHas16KiBPages() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try Store(path: folder.appendingPathComponent("kith.sqlite").path)

    #expect(try store.pragma("page_size") == "16384")
  }

  @Test func existingStoreKeepsItsPageSize() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    do {
      // A store as an older Kith created it: 4 KiB pages, WAL, the first migration.
      let database = try Database(path: path)
      try database.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL")
      try database.execute(Schema.migrations[0])
      try database.execute("PRAGMA user_version = 1")
    }

    let store = try Store(path: path)
    let account = try store.accountID(forKey: "ann@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 1, count: 3, subjectBytes: 20_000))
    #expect(try store.pragma("page_size") == "4096")
    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
    #expect(try store.integrityCheck())
  }

  @Test func storingBatchLowersSyncLevel() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path)
    let account = try store.accountID(forKey: "ann@example.com")
    // SQLite reports FULL as 2 and NORMAL as 1.
    #expect(try store.pragma("synchronous") == "2")

    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 1, count: 2, subjectBytes: 100))
    #expect(try store.pragma("synchronous") == "1")

    // Another connection, such as the one the UI writes read marks with, keeps FULL.
    let other = try Store(path: path)
    #expect(try other.pragma("synchronous") == "2")
  }

  @Test func closingDeletesWAL() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    do {
      let store = try Store(path: path)
      let account = try store.accountID(forKey: "ann@example.com")
      for index in 0..<10 {
        let messages = Self.batch(from: UID(index * 10 + 1), count: 10, subjectBytes: 50_000)
        try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
      }
    }

    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    let reopened = try Store(path: path)
    let account = try reopened.accountID(forKey: "ann@example.com")
    #expect(try reopened.messageCount(account: account, folder: "INBOX") == 100)
  }

  @Test func rawBodiesLiveInTheirOwnTable() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "ann@example.com")
    let message = StoreFixture.message(uid: 1, id: "a@example.com", body: "Hello")
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [message])
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))

    let columns = try store.database.rows("SELECT name FROM pragma_table_info('messages')") {
      $0.string(0)
    }
    #expect(!columns.contains("raw"))
    #expect(try store.rawMessage(id) == message.raw)

    try store.removeMessages(account: account, folder: "INBOX", uids: [1])
    let rawRows = try store.database.firstRow("SELECT count(*) FROM messages_raw") { $0.int(0) }
    #expect(rawRows == 0)
  }

  @Test func migrationMovesRawBodies() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let raw = Data("Subject: old\r\n\r\nStored before version 4\r\n".utf8)
    do {
      // A store as the previous Kith left it: migrations up to version 3, raw in `messages`.
      let database = try Database(path: path)
      for migration in Schema.migrations.prefix(3) {
        try database.execute(migration)
      }
      try database.execute(
        """
        PRAGMA user_version = 3;
        INSERT INTO accounts (id, key) VALUES (1, 'ann@example.com');
        INSERT INTO folders (id, account, name, uidvalidity) VALUES (1, 1, 'INBOX', 1);
        INSERT INTO threads (id, account, subject_key) VALUES (1, 1, 'old');
        """)
      try database.run(
        """
        INSERT INTO messages (id, account, folder, uidvalidity, uid, raw, size, thread_id)
        VALUES (7, 1, 1, 1, 1, ?1, ?2, 1)
        """, raw, raw.count)
    }

    let store = try Store(path: path)
    #expect(try store.schemaVersion() == Schema.currentVersion)
    #expect(try store.rawMessage(MessageRowID(7)) == raw)
    let columns = try store.database.rows("SELECT name FROM pragma_table_info('messages')") {
      $0.string(0)
    }
    #expect(!columns.contains("raw"))
    #expect(try store.integrityCheck())
  }

  @Test func migrationDropsStoredBodyFields() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let attachment = AttachmentInfo(filename: "plan.txt", mimeType: "text/plain", size: 300)
    let raw = StoreFixture.rawMessage(id: "v4@x", subject: "old", body: "Parsed from raw", attachments: [attachment])
    do {
      // A store as the previous Kith left it: version 4, with body text and attachments stored.
      let database = try Database(path: path)
      for migration in Schema.migrations.prefix(4) {
        try database.execute(migration)
      }
      try database.execute(
        """
        PRAGMA user_version = 4;
        INSERT INTO accounts (id, key) VALUES (1, 'ann@example.com');
        INSERT INTO folders (id, account, name, uidvalidity) VALUES (1, 1, 'INBOX', 1);
        INSERT INTO threads (id, account, subject_key) VALUES (1, 1, 'old');
        INSERT INTO messages (id, account, folder, uidvalidity, uid, subject, body_text, attachments, size, thread_id)
        VALUES (7, 1, 1, 1, 1, 'old', 'stale text', '[]', 10, 1);
        """)
      try database.run("INSERT INTO messages_raw (message, raw) VALUES (7, ?1)", raw)
    }

    let store = try Store(path: path)
    #expect(try store.schemaVersion() == Schema.currentVersion)
    let columns = try store.database.rows("SELECT name FROM pragma_table_info('messages')") {
      $0.string(0)
    }
    #expect(!columns.contains("body_text"))
    #expect(!columns.contains("attachments"))
    let detail = try #require(try store.messageDetail(MessageRowID(7)))
    #expect(detail.subject == "old")
    #expect(detail.bodyText == "Parsed from raw")
    #expect(detail.attachments == [attachment])
    #expect(try store.integrityCheck())
  }
}
