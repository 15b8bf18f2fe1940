import Foundation
import Testing

@testable import KithCore

@Suite struct StoreOpenLockTests {
  /// Two `kith sync` runs started together on a new store: the second must wait for the
  /// first one's schema migration instead of failing with "locked by another process".
  @Test func newStoreWaitsForMigratingWriter() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path

    // A plain connection in rollback-journal mode holds the write lock, as the first
    // process does while it creates the schema.
    let holder = try Database(path: path)
    try holder.execute("BEGIN EXCLUSIVE")
    try holder.execute("CREATE TABLE placeholder (id INTEGER)")
    let released = DispatchSemaphore(value: 0)
    nonisolated(unsafe) let holderReference = holder
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
      try? holderReference.execute("COMMIT")
      released.signal()
    }

    let started = Date()
    let store = try Store(path: path)
    let waited = Date().timeIntervalSince(started)
    released.wait()

    #expect(waited >= 0.4)
    #expect(try store.schemaVersion() == Schema.currentVersion)
    #expect(try store.pragma("journal_mode") == "wal")
  }

  /// The second process reads the schema version before the first one commits its
  /// migrations, then gets the write lock after them, and must not run them again.
  @Test func concurrentMigrationRunsOnce() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path

    let first = try Database(path: path)
    try first.execute("PRAGMA journal_mode = WAL")
    try first.execute("BEGIN IMMEDIATE")
    for migration in Schema.migrations {
      try first.execute(migration)
    }
    try first.execute("PRAGMA user_version = \(Schema.currentVersion)")
    let committed = DispatchSemaphore(value: 0)
    nonisolated(unsafe) let firstReference = first
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) {
      try? firstReference.execute("COMMIT")
      committed.signal()
    }

    let store = try Store(path: path)
    committed.wait()

    #expect(try store.schemaVersion() == Schema.currentVersion)
  }

  /// Opens one new store from two threads at once, many times, the way two kith processes
  /// started together do. Each round must open both without "locked by another process".
  @Test func simultaneousOpensOfNewStore() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }

    for round in 0..<30 {
      let path = folder.appendingPathComponent("kith-\(round).sqlite").path
      let failures = FailureList()
      DispatchQueue.concurrentPerform(iterations: 2) { _ in
        do {
          let store = try Store(path: path)
          _ = try store.schemaVersion()
        } catch {
          failures.append("\(error)")
        }
      }
      #expect(failures.all.isEmpty, "round \(round)")
    }
  }
}

private final class FailureList: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []

  func append(_ item: String) {
    lock.lock()
    items.append(item)
    lock.unlock()
  }

  var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return items
  }
}
