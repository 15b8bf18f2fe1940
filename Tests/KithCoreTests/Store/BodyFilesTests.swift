import Foundation
import Testing

@testable import KithCore

@Suite struct BodyFilesTests {
  private static func packBytes(_ directory: String) -> Int {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0.hasSuffix(".pack") }.reduce(0) { total, name in
      let attributes = try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)")
      return total + ((attributes?[.size] as? NSNumber)?.intValue ?? 0)
    }
  }

  private static func packCount(_ directory: String) -> Int {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".pack") }.count
  }

  /// Returns `count` messages from `firstUID` on, each with a body of about `bodyBytes`.
  private static func batch(from firstUID: UID, count: Int, bodyBytes: Int) -> [FetchedMessage] {
    (0..<count).map { offset in
      let uid = firstUID + UID(offset)
      let body = String(repeating: "line \(uid) of a body\r\n", count: max(1, bodyBytes / 22))
      return StoreFixture.message(uid: uid, id: "m\(uid)@example.com", body: body)
    }
  }

  /// Opens a store in a new temporary folder, which the caller removes, with body packs that
  /// stop growing at `packLimit` bytes.
  private static func fileStore(packLimit: Int64 = BodyFiles.defaultPackLimit) throws
    -> (folder: URL, path: String, store: Store, account: AccountID)
  {
    let folder = try StoreFixture.temporaryDirectory()
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path, walLimitBytes: WALCheckpointer.defaultBlockingBytes, packLimitBytes: packLimit)
    return (folder, path, store, try store.accountID(forKey: "ann@example.com"))
  }

  private static func checksum(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { BodyChecksum.of($0) }
  }

  @Test func checksumKeepsItsStoredValues() {
    // Stores keep these values, so a change of the algorithm would make every stored body
    // read as damaged. The lengths cover single bytes, 8-byte words and 32-byte blocks.
    #expect(Self.checksum([]) == 15_610_338_416_011_052_929)
    let text = Array("Subject: checksum\r\n\r\nThe quick brown fox jumps over the lazy dog.\r\n".utf8)
    #expect(Self.checksum(Array(text.prefix(7))) == 7_131_320_462_435_308_870)
    #expect(Self.checksum(Array(text.prefix(31))) == 18_279_811_091_993_719_169)
    #expect(Self.checksum(text) == 7_740_734_655_468_946_500)
  }

  @Test func checksumChangesWithBitsAndLength() {
    let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    let original = Self.checksum(bytes)
    var seen: Set<UInt64> = [original]
    // Every bit of the first 100 bytes, which covers the 32-byte blocks, the 8-byte words and
    // the single bytes of the shorter prefixes below.
    for index in 0..<100 {
      for bit in 0..<8 {
        var changed = bytes
        changed[index] ^= UInt8(1 << bit)
        #expect(seen.insert(Self.checksum(changed)).inserted, "byte \(index) bit \(bit)")
      }
    }
    // Runs of zeros of every length up to 100 bytes, as an unwritten file range reads.
    for length in 0...100 {
      #expect(seen.insert(Self.checksum([UInt8](repeating: 0, count: length))).inserted, "length \(length)")
    }
  }

  @Test func bodiesGoToPacksAndReadBack() throws {
    let (folder, path, store, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    let messages = Self.batch(from: 1, count: 20, bodyBytes: 3_000)

    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)

    let directory = Store.bodyDirectory(forStoreAt: path)
    #expect(Self.packBytes(directory) == messages.reduce(0) { $0 + $1.raw.count })
    #expect(try store.database.firstRow("SELECT count(*) FROM messages_raw") { $0.int(0) } == 0)
    for message in messages {
      let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: message.uid))
      #expect(try store.rawMessage(id) == message.raw)
      #expect(try store.messageDetail(id)?.bodyText.hasPrefix("line \(message.uid) of a body") == true)
    }
    #expect(try store.integrityCheck())
    // Another connection, as the browser's, reads the same bodies.
    let reader = try Store(path: path)
    let last = try #require(try reader.messageRowID(account: account, folder: "INBOX", uid: 20))
    #expect(try reader.rawMessage(last) == messages[19].raw)
  }

  @Test(arguments: ["changed", "truncated", "removed", "folder not copied"])
  func damagedBodyReadFails(damage: String) throws {
    let (folder, _, store, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 1, count: 3, bodyBytes: 2_000))
    let bodyFiles = try #require(store.bodyFiles)
    let packPath = bodyFiles.path(of: try #require(try bodyFiles.packNumbers().first))
    let ids = try (1...3).map { try #require(try store.messageRowID(account: account, folder: "INBOX", uid: UID($0))) }
    let first = ids[0]
    let last = ids[2]

    switch damage {
    case "changed":
      let handle = try FileHandle(forUpdating: URL(fileURLWithPath: packPath))
      let size = try handle.seekToEnd()
      try handle.seek(toOffset: size - 10)
      try handle.write(contentsOf: Data("XXXXXXXXXX".utf8))
      try handle.close()
    case "truncated":
      let size = try #require((try FileManager.default.attributesOfItem(atPath: packPath))[.size] as? NSNumber)
      #expect(truncate(packPath, off_t(size.intValue - 10)) == 0)
    case "removed":
      try FileManager.default.removeItem(atPath: packPath)
    default:
      try FileManager.default.removeItem(atPath: bodyFiles.directory)
    }
    let wholeFile = damage == "removed" || damage == "folder not copied"
    // The error for a missing folder names what to copy, rather than calling each message damaged.
    let expectedWord = damage == "folder not copied" ? "does not exist" : "damaged"

    let error = try #require(throws: KithError.self) { try store.rawMessage(last) }
    #expect(error.code == .store)
    #expect(error.message.contains(expectedWord))
    #expect(error.message.contains("kith audit --repair"))
    // The pane still shows the stored header fields, with the error as the body.
    let detail = try #require(try store.messageDetail(last))
    #expect(detail.subject == "Subject")
    #expect(detail.bodyText.contains(expectedWord))
    #expect(try !store.integrityCheck())
    #expect(try store.damagedBodies() == (wholeFile ? ids : [last]))
    if !wholeFile {
      #expect(try store.rawMessage(first) != nil)
    }
  }

  @Test func compactionKeepsLiveBodies() throws {
    let (folder, path, store, account) = try Self.fileStore(packLimit: 64 << 10)
    defer { try? FileManager.default.removeItem(at: folder) }
    let directory = Store.bodyDirectory(forStoreAt: path)
    var messages: [FetchedMessage] = []
    for index in 0..<10 {
      let batch = Self.batch(from: UID(index * 10 + 1), count: 10, bodyBytes: 4_000)
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)
      messages += batch
    }
    let packsBefore = Self.packCount(directory)
    let bytesBefore = Self.packBytes(directory)
    // About 400 KB in packs of 64 KiB.
    #expect(packsBefore >= 6)

    // Nothing deleted: compaction finds no pack worth rewriting.
    try store.compactBodyFilesIfNeeded()
    #expect(try store.compactBodyFiles() == 0)
    #expect(Self.packCount(directory) == packsBefore)

    // Expunge four of every five messages.
    let expunged = messages.map(\.uid).filter { $0 % 5 != 0 }
    try store.removeMessages(account: account, folder: "INBOX", uids: expunged)
    try store.compactBodyFilesIfNeeded()

    let remaining = messages.filter { $0.uid % 5 == 0 }
    let bytesAfter = Self.packBytes(directory)
    #expect(Self.packCount(directory) < packsBefore)
    // The full packs are gone; what stays is the kept bodies and the last, growing pack.
    #expect(bytesAfter < bytesBefore / 2)
    #expect(bytesAfter >= remaining.reduce(0) { $0 + $1.raw.count })
    for message in remaining {
      let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: message.uid))
      #expect(try store.rawMessage(id) == message.raw)
    }
    #expect(try store.integrityCheck())
    // A second run has nothing left to do.
    #expect(try store.compactBodyFiles() == 0)

    // New mail after compaction appends without overwriting a kept body.
    let more = Self.batch(from: 1_001, count: 5, bodyBytes: 4_000)
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: more)
    for message in remaining + more {
      let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: message.uid))
      #expect(try store.rawMessage(id) == message.raw)
    }
    #expect(try store.integrityCheck())
  }

  /// A process killed after deleting mail never compacted; the next connection does, once.
  @Test func nextConnectionCompactsLeftovers() throws {
    let (folder, path, store, account) = try Self.fileStore(packLimit: 64 << 10)
    defer { try? FileManager.default.removeItem(at: folder) }
    let messages = Self.batch(from: 1, count: 60, bodyBytes: 4_000)
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
    try store.removeMessages(account: account, folder: "INBOX", uids: messages.map(\.uid).filter { $0 > 5 })
    let directory = Store.bodyDirectory(forStoreAt: path)
    let packsBefore = Self.packCount(directory)

    let next = try Store(path: path, walLimitBytes: WALCheckpointer.defaultBlockingBytes, packLimitBytes: 64 << 10)
    try next.compactBodyFilesIfNeeded()

    #expect(Self.packCount(directory) < packsBefore)
    for message in messages.prefix(5) {
      let id = try #require(try next.messageRowID(account: account, folder: "INBOX", uid: message.uid))
      #expect(try next.rawMessage(id) == message.raw)
    }
    #expect(try next.integrityCheck())
  }

  /// A pack another connection still appends to stays, even when it is all dead space. Once
  /// that connection closes, the pack goes, although it never reached the size limit.
  @Test func packInUseIsNotCompacted() throws {
    let (folder, path, _, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    var writer: Store? = try Store(path: path)
    let early = Self.batch(from: 1, count: 20, bodyBytes: 4_000)
    try writer?.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: early)
    // A one-byte limit makes this connection start a new pack at each append.
    let other = try Store(path: path, walLimitBytes: WALCheckpointer.defaultBlockingBytes, packLimitBytes: 1)
    let late = Self.batch(from: 100, count: 2, bodyBytes: 4_000)
    try other.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: late)
    let bodyFiles = try #require(other.bodyFiles)
    #expect(try bodyFiles.packNumbers().sorted() == [1, 2, 3])
    try other.removeMessages(account: account, folder: "INBOX", uids: early.map(\.uid))

    #expect(try other.compactBodyFiles() == 0)
    #expect(FileManager.default.fileExists(atPath: bodyFiles.path(of: 1)))

    // An empty pack, as a writer killed right after starting one leaves, goes as well.
    #expect(FileManager.default.createFile(atPath: bodyFiles.path(of: 0), contents: Data()))
    writer = nil
    #expect(try other.compactBodyFiles() == 2)
    #expect(!FileManager.default.fileExists(atPath: bodyFiles.path(of: 1)))
    #expect(!FileManager.default.fileExists(atPath: bodyFiles.path(of: 0)))
    let id = try #require(try other.messageRowID(account: account, folder: "INBOX", uid: 101))
    #expect(try other.rawMessage(id) == late[1].raw)
    #expect(try other.integrityCheck())
  }

  @Test func storeReachedThroughLinkKeepsOneBodyFolder() throws {
    let (folder, path, store, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    let messages = Self.batch(from: 1, count: 2, bodyBytes: 500)
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
    let linkFolder = folder.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: linkFolder, withIntermediateDirectories: true)
    let link = linkFolder.appendingPathComponent("link.sqlite").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)

    let throughLink = try Store(path: link)
    let more = Self.batch(from: 10, count: 2, bodyBytes: 500)
    try throughLink.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: more)

    #expect(!FileManager.default.fileExists(atPath: Store.bodyDirectory(forStoreAt: link)))
    for message in messages + more {
      for reader in [store, throughLink] {
        let id = try #require(try reader.messageRowID(account: account, folder: "INBOX", uid: message.uid))
        #expect(try reader.rawMessage(id) == message.raw)
      }
    }
  }

  /// A pack that cannot be read (here a folder in its place) is an error, not damage that a
  /// fetch would repair.
  @Test func unreadablePackIsAnErrorNotDamage() throws {
    let (folder, _, store, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 1, count: 2, bodyBytes: 500))
    let bodyFiles = try #require(store.bodyFiles)
    try FileManager.default.removeItem(atPath: bodyFiles.path(of: 1))
    try FileManager.default.createDirectory(atPath: bodyFiles.path(of: 1), withIntermediateDirectories: false)

    let error = try #require(throws: KithError.self) { try store.damagedBodies() }
    #expect(error.message.contains("Reading the message body file"))
    #expect(error.message.contains("Is a directory"))
    #expect(throws: KithError.self) { try store.damagedBodies(account: account, folder: "INBOX") }
  }

  @Test func failedBatchLeavesNoRows() throws {
    let (folder, _, store, account) = try Self.fileStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 1, count: 2, bodyBytes: 500))

    // A batch whose transaction fails after appending leaves dead bytes but no rows.
    #expect(throws: KithError.self) {
      try store.database.transaction {
        try store.storeFetched(
          account: account, folder: "INBOX", uidValidity: 1, messages: Self.batch(from: 10, count: 2, bodyBytes: 500))
        throw KithError(.store, "stop")
      }
    }
    #expect(try store.messageRowID(account: account, folder: "INBOX", uid: 10) == nil)
    let next = Self.batch(from: 20, count: 2, bodyBytes: 500)
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: next)
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 21))
    #expect(try store.rawMessage(id) == next[1].raw)
    #expect(try store.integrityCheck())
  }

  @Test func inMemoryStoreKeepsBodiesInDatabase() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "ann@example.com")
    let messages = Self.batch(from: 1, count: 2, bodyBytes: 500)
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: messages)
    #expect(store.bodyFiles == nil)
    #expect(try store.database.firstRow("SELECT count(*) FROM messages_raw") { $0.int(0) } == 2)
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 2))
    #expect(try store.rawMessage(id) == messages[1].raw)
  }
}
