import Foundation
import Testing

@testable import KithCore

@Suite struct StoreSyncTests {
  typealias Fixture = StoreFixture

  @Test func accountIDIsStablePerKey() throws {
    let store = try Store.inMemory()
    let first = try store.accountID(forKey: "me@example.com")
    let again = try store.accountID(forKey: "me@example.com")
    let other = try store.accountID(forKey: "you@example.com")
    #expect(first == again)
    #expect(first != other)
  }

  @Test func unknownFolderHasNoState() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    #expect(try store.folderState(account: account, folder: "INBOX") == nil)
  }

  @Test func batchStoresAndAdvancesHighestUID() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    let batch = [Fixture.message(uid: 3, id: "a@x"), Fixture.message(uid: 7, id: "b@x")]

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 42, messages: batch)

    #expect(try store.folderState(account: account, folder: "INBOX") == FolderSyncState(uidValidity: 42, highestUID: 7))
    #expect(try store.messageCount(account: account, folder: "INBOX") == 2)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [3, 7])
  }

  @Test func replayedBatchStoresOnce() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    let batch = [
      Fixture.message(uid: 1, id: "a@x"), Fixture.message(uid: 2, id: nil, subject: nil),
      Fixture.message(uid: 3, id: "c@x", inReplyTo: "<a@x>"),
    ]

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)
    let threadCount = try store.database.firstRow("SELECT count(*) FROM threads") { $0.int(0) }
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)

    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
    let addressRows = try store.database.firstRow("SELECT count(*) FROM message_addresses") { $0.int(0) }
    #expect(addressRows == 3)
    let threadCountAfter = try store.database.firstRow("SELECT count(*) FROM threads") { $0.int(0) }
    #expect(threadCountAfter == threadCount)
  }

  @Test func repeatedUIDInBatchStoresOnce() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 2, id: "b@x")])
    let batch = [
      Fixture.message(uid: 1, id: "a@x"), Fixture.message(uid: 2, id: "b@x"),
      Fixture.message(uid: 1, id: "a@x"), Fixture.message(uid: 3, id: "c@x"),
    ]

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)

    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 2, 3])
    let addressRows = try store.database.firstRow("SELECT count(*) FROM message_addresses") { $0.int(0) }
    #expect(addressRows == 3)
  }

  @Test func scatteredUIDsInBatchStoreOnce() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 500_000, id: "mid@x"), Fixture.message(uid: 7, id: "low@x")])
    // Far apart, as the messages `kith audit --repair` fetches again can be.
    let batch = [
      Fixture.message(uid: 1, id: "first@x"), Fixture.message(uid: 7, id: "low@x"),
      Fixture.message(uid: 500_000, id: "mid@x"), Fixture.message(uid: 1_000_000, id: "last@x"),
      Fixture.message(uid: 1, id: "first@x"),
    ]

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)

    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 7, 500_000, 1_000_000])
    let addressRows = try store.database.firstRow("SELECT count(*) FROM message_addresses") { $0.int(0) }
    #expect(addressRows == 4)
  }

  @Test func rawBytesStoredExactly() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    var large = Fixture.message(uid: 1, id: "large@x")
    large.raw = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    var empty = Fixture.message(uid: 2, id: "empty@x")
    empty.raw = Data()

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [large, empty])

    let largeID = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    let emptyID = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 2))
    #expect(try store.rawMessage(largeID) == large.raw)
    #expect(try store.rawMessage(emptyID) == Data())
  }

  @Test func manyAddressesKeepRolesAndOrder() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    let to = (0..<19).map { Address(name: "To \($0)", email: "TO\($0)@Example.com") }
    let cc = (0..<9).map { Address(name: nil, email: "cc\($0)@example.com") }
    let from = [Address(name: "Ann", email: "ann@example.com")]
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1, id: "many@x", from: from, to: to, cc: cc)])

    let rows = try store.database.rows(
      "SELECT role, position, name, email, email_norm FROM message_addresses ORDER BY role, position"
    ) { "\($0.string(0)) \($0.int(1)) \($0.optionalString(2) ?? "-") \($0.string(3)) \($0.string(4))" }
    let expected =
      cc.enumerated().map { "cc \($0.offset) - \($0.element.email) \($0.element.email)" }
      + ["from 0 Ann ann@example.com ann@example.com"]
      + to.enumerated().map { "to \($0.offset) To \($0.offset) \($0.element.email) \($0.element.email.lowercased())" }
    #expect(rows == expected)
  }

  @Test func olderBatchKeepsHighestUID() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 50)])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 10)])

    #expect(try store.folderState(account: account, folder: "INBOX")?.highestUID == 50)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [10, 50])
  }

  @Test func sameUIDInOtherFolderIsKept() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1)])
    try store.storeFetched(
      account: account, folder: "Sent", uidValidity: 1, messages: [Fixture.message(uid: 1)])

    #expect(try store.messageCount(account: account, folder: "INBOX") == 1)
    #expect(try store.messageCount(account: account, folder: "Sent") == 1)
    #expect(try store.folderNames(account: account) == ["INBOX", "Sent"])
  }

  @Test func otherUIDValidityNeedsReset() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1)])

    let error = #expect(throws: KithError.self) {
      try store.storeFetched(
        account: account, folder: "INBOX", uidValidity: 2, messages: [Fixture.message(uid: 2)])
    }
    #expect(error?.message.contains("Reset the folder") == true)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1])
  }

  @Test func resetFolderDropsOldUIDValidity() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1, id: "a@x"), Fixture.message(uid: 2, id: "b@x")])
    try store.storeFetched(
      account: account, folder: "Sent", uidValidity: 1, messages: [Fixture.message(uid: 1, id: "s@x")])

    try store.resetFolder(account: account, folder: "INBOX", uidValidity: 9)

    #expect(try store.messageCount(account: account, folder: "INBOX") == 0)
    #expect(try store.messageCount(account: account, folder: "Sent") == 1)
    #expect(try store.folderState(account: account, folder: "INBOX") == FolderSyncState(uidValidity: 9, highestUID: 0))
    let orphanThreads = try store.database.firstRow(
      "SELECT count(*) FROM threads t WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id)"
    ) { $0.int(0) }
    #expect(orphanThreads == 0)

    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9, messages: [Fixture.message(uid: 1, id: "a@x")])
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1])
    #expect(try store.integrityCheck())
  }

  @Test func resetWithSameUIDValidityKeepsMessages() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 5, messages: [Fixture.message(uid: 4)])

    try store.resetFolder(account: account, folder: "INBOX", uidValidity: 5)

    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [4])
    #expect(try store.folderState(account: account, folder: "INBOX")?.highestUID == 4)
  }

  @Test func removeMessagesDeletesByUID() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1), Fixture.message(uid: 2), Fixture.message(uid: 3)])

    let removed = try store.removeMessages(account: account, folder: "INBOX", uids: [2, 99])

    #expect(removed == 1)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 3])
  }

  @Test func flagsUpdateSeenState() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1)])
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    #expect(try store.messageDetail(id)?.isSeen == false)

    try store.setFlags(["\\SEEN", "\\Flagged"], for: id)
    #expect(try store.messageDetail(id)?.isSeen == true)
    #expect(try store.flags(of: id) == ["\\SEEN", "\\Flagged"])

    let changed = try store.setFlags([], account: account, folder: "INBOX", uid: 1)
    #expect(changed)
    #expect(try store.messageDetail(id)?.isSeen == false)
    #expect(try store.setFlags([], account: account, folder: "INBOX", uid: 9) == false)
  }

  @Test func setSeenKeepsOtherFlags() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "Sent", uidValidity: 7,
      messages: [Fixture.message(uid: 4, flags: ["\\Flagged"])])
    let id = try #require(try store.messageRowID(account: account, folder: "Sent", uid: 4))

    #expect(try store.setSeen(true, for: id))
    #expect(try store.flags(of: id) == ["\\Flagged", "\\Seen"])
    #expect(try store.setSeen(true, for: id) == false)
    #expect(try store.setSeen(false, for: id))
    #expect(try store.flags(of: id) == ["\\Flagged"])
    #expect(
      try store.location(of: id)
        == MessageLocation(account: account, folder: "Sent", uidValidity: 7, uid: 4))
  }

  @Test func setFlagsOnUnknownIDThrows() throws {
    let store = try Store.inMemory()
    let error = #expect(throws: KithError.self) {
      try store.setFlags(["\\Seen"], for: MessageRowID(12345))
    }
    #expect(error?.code == .notFound)
  }

  @Test func rawMessageRoundTrips() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    let message = Fixture.message(uid: 1, id: "a@x")
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [message])
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))

    #expect(try store.rawMessage(id) == message.raw)
    #expect(try store.rawMessage(MessageRowID(999)) == nil)
  }

  @Test func failedBatchStoresNothing() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    // A trigger makes the third insert fail, as a full disk would in the middle of a batch.
    try store.database.execute(
      """
      CREATE TEMP TRIGGER fail_third BEFORE INSERT ON messages WHEN NEW.uid = 3
      BEGIN SELECT RAISE(FAIL, 'simulated failure'); END
      """)
    let batch = (1...4).map { Fixture.message(uid: UID($0), id: "m\($0)@x") }

    #expect(throws: KithError.self) {
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)
    }
    #expect(try store.messageCount(account: account, folder: "INBOX") == 0)
    #expect(try store.folderState(account: account, folder: "INBOX") == nil)
    let threads = try store.database.firstRow("SELECT count(*) FROM threads") { $0.int(0) }
    #expect(threads == 0)
  }

  /// A killed process leaves the files as they are at that instant. Copying the database, its
  /// WAL and the body files while a batch is half written gives the same files a SIGKILL would.
  @Test func killedMidBatchLeavesConsistentStore() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path)
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1, id: "first@x")])
    // A small page cache makes SQLite spill uncommitted pages to the WAL during the batch.
    try store.database.execute("PRAGMA cache_size = 5")

    let snapshot = folder.appendingPathComponent("snapshot")
    try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
    struct Abort: Error {}
    let batch = (2...400).map {
      Fixture.message(uid: UID($0), id: "m\($0)@x", body: String(repeating: "text ", count: 200))
    }
    _ = try? store.database.transaction {
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)
      for suffix in ["", "-wal", "-bodies"] {
        try FileManager.default.copyItem(
          atPath: path + suffix, toPath: snapshot.appendingPathComponent("kith.sqlite" + suffix).path)
      }
      throw Abort()
    }
    let walSize = try FileManager.default.attributesOfItem(
      atPath: snapshot.appendingPathComponent("kith.sqlite-wal").path)[.size] as? Int
    #expect((walSize ?? 0) > 100_000)

    let recovered = try Store(path: snapshot.appendingPathComponent("kith.sqlite").path)
    let recoveredAccount = try recovered.accountID(forKey: "me@example.com")
    #expect(try recovered.integrityCheck())
    #expect(try recovered.storedUIDs(account: recoveredAccount, folder: "INBOX") == [1])
    #expect(try recovered.folderState(account: recoveredAccount, folder: "INBOX")?.highestUID == 1)
  }

  @Test func deleteAccountRemovesItsMail() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    let other = try store.accountID(forKey: "other@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1, id: "a@x")])
    try store.storeFetched(
      account: other, folder: "INBOX", uidValidity: 1, messages: [Fixture.message(uid: 1, id: "a@x")])
    let contact = try store.addContact(name: "Ann", emails: ["ann@example.com"])

    try store.deleteAccount(account)

    #expect(try store.folderState(account: account, folder: "INBOX") == nil)
    #expect(try store.messageCount(account: other, folder: "INBOX") == 1)
    #expect(try store.contact(contact) != nil)
    #expect(try store.integrityCheck())
  }

  @Test func ownerIsStoredPerAccount() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    #expect(try store.owner(of: account) == nil)
    try store.setOwner("alice", of: account)
    #expect(try store.owner(of: account) == "alice")
  }
}
