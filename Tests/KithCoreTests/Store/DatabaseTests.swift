import Foundation
import Testing

@testable import KithCore

@Suite struct DatabaseTests {
  @Test func fileStoreUsesWALAndForeignKeys() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try Store(path: folder.appendingPathComponent("kith.sqlite").path)

    #expect(try store.pragma("journal_mode") == "wal")
    #expect(try store.pragma("foreign_keys") == "1")
    #expect(try store.pragma("busy_timeout") == "5000")
    #expect(try store.schemaVersion() == Schema.currentVersion)
  }

  @Test func newStoreFileIsPrivate() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    _ = try Store(path: path)

    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
    #expect(mode == 0o600)
  }

  @Test func reopeningKeepsDataAndVersion() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    do {
      let store = try Store(path: path)
      _ = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    }

    let reopened = try Store(path: path)
    #expect(try reopened.schemaVersion() == Schema.currentVersion)
    #expect(try reopened.contact(forEmail: "ann@example.com") != nil)
  }

  @Test func newerSchemaVersionIsRejected() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    do {
      let database = try Database(path: path)
      try database.execute("PRAGMA user_version = 99")
    }

    let error = #expect(throws: KithError.self) { try Store(path: path) }
    #expect(error?.code == .store)
    #expect(error?.message.contains("schema version 99") == true)
  }

  @Test func migrationRunsOnlyOnce() throws {
    let database = try Database(path: ":memory:")
    try Schema.prepare(database)
    // A second run must not try to create the tables again.
    try Schema.prepare(database)
    #expect(try Schema.userVersion(database) == Schema.currentVersion)
  }

  @Test func transactionRollsBackOnThrow() throws {
    let database = try Database(path: ":memory:")
    try database.execute("CREATE TABLE t (x INTEGER)")
    struct Failure: Error {}

    #expect(throws: Failure.self) {
      try database.transaction {
        try database.run("INSERT INTO t VALUES (1)")
        throw Failure()
      }
    }
    let count = try database.firstRow("SELECT count(*) FROM t") { $0.int(0) }
    #expect(count == 0)
    #expect(!database.isInTransaction)
  }

  @Test func nestedTransactionRollsBackOnlyItself() throws {
    let database = try Database(path: ":memory:")
    try database.execute("CREATE TABLE t (x INTEGER)")
    struct Failure: Error {}

    try database.transaction {
      try database.run("INSERT INTO t VALUES (1)")
      _ = try? database.transaction {
        try database.run("INSERT INTO t VALUES (2)")
        throw Failure()
      }
    }
    let values = try database.rows("SELECT x FROM t") { $0.int(0) }
    #expect(values == [1])
  }

  @Test func sqlErrorBecomesStoreError() throws {
    let database = try Database(path: ":memory:")
    let error = #expect(throws: KithError.self) { try database.run("SELECT * FROM missing") }
    #expect(error?.code == .store)
    #expect(error?.cause?.contains("no such table") == true)
    // The message alone is what `kith` prints, so it carries SQLite's reason too.
    #expect(error?.message.contains("no such table") == true)
  }

  @Test func fullDiskHasClearMessage() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let database = try Database(path: folder.appendingPathComponent("full.sqlite").path)
    try database.execute("CREATE TABLE t (x BLOB)")
    // max_page_count caps the file size, so SQLite returns SQLITE_FULL as on a full disk.
    try database.execute("PRAGMA max_page_count = 8")

    let error = #expect(throws: KithError.self) {
      try database.run("INSERT INTO t VALUES (?1)", Data(repeating: 7, count: 100_000))
    }
    #expect(error?.message.contains("The disk is full") == true)
  }

  @Test func typedValuesRoundTrip() throws {
    let database = try Database(path: ":memory:")
    try database.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
    let date = Date(timeIntervalSince1970: 1_234_567.5)
    try database.run(
      "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", Int64.max, date, "héllo ✓", Data([0, 1, 2]),
      nil as String?)

    let row = try database.firstRow("SELECT i, r, s, b, n FROM t") {
      ($0.int64(0), $0.date(1), $0.string(2), $0.data(3), $0.optionalString(4))
    }
    #expect(row?.0 == Int64.max)
    #expect(row?.1 == date)
    #expect(row?.2 == "héllo ✓")
    #expect(row?.3 == Data([0, 1, 2]))
    #expect(row?.4 == nil)
  }

  @Test func integrityCheckIsClean() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [StoreFixture.message(uid: 1, id: "a@x")])
    #expect(try store.integrityCheck())
  }
}
