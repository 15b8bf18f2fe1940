import Foundation
import KithTestSupport
import Testing

@testable import KithCore

@Suite(.serialized) struct ResyncServerTests {
  /// A WAL file above the store's threshold is truncated when a pass ends. With a threshold
  /// of zero, any pass that stored something leaves an empty WAL file.
  @Test func passEndTruncatesLargeWAL() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let folder = ResyncFixture.scratch.appendingPathComponent("store-wal-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(
      path: path, walLimitBytes: WALCheckpointer.defaultBlockingBytes, walShrinkThresholdBytes: 0)
    let account = try store.accountID(forKey: "kith@example.test")

    _ = try await ResyncFixture.makeSyncer(server, store: store, account: account).syncOnce()

    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 2, 3])
    let walSize = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber
    #expect(walSize?.intValue == 0)
  }

  @Test func firstSyncFetchesNewestFirst() async throws {
    let messages = try ResyncFixture.messageFolder(count: 7)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, _) = try ResyncFixture.makeStore()
    let recording = RecordingResyncStore(store)
    let events = ResyncEventLog()
    let syncer = ResyncFixture.makeSyncer(
      server, store: recording, account: account,
      configuration: SyncConfiguration(batchMessageLimit: 2))

    let summary = try await syncer.syncOnce { events.append($0) }

    #expect(summary.result(for: "INBOX")?.fetchedCount == 7)
    let batches = recording.recordedBatches
    #expect(batches.map(\.uids) == [[6, 7], [4, 5], [2, 3], [1]])
    #expect(batches.map(\.range) == [6...7, 4...5, 2...3, 1...1])

    let progress = events.progress.filter { $0.folder == "INBOX" }
    #expect(progress.first?.messagesDone == 0)
    #expect(progress.first?.messagesTotal == 7)
    #expect(progress.map(\.messagesDone) == [0, 2, 4, 6, 7])
    #expect(progress.last?.bytesDone == progress.last?.bytesTotal)
    #expect((progress.last?.bytesTotal ?? 0) > 0)

    let state = try store.folderState(account: account, folder: "INBOX")
    #expect(state?.lowestUID == 1)
    #expect(state?.highestUID == 7)
    #expect((state?.highestModSeq ?? 0) > 0)

    let second = try await syncer.syncOnce()
    #expect(second.fetchedCount == 0)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 7)
  }

  @Test func interruptedNewestFirstResumes() async throws {
    let messages = try ResyncFixture.messageFolder(count: 7)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, folder) = try ResyncFixture.makeStore()
    let recording = RecordingResyncStore(store)
    recording.failingBatchNumber = 3
    let syncer = ResyncFixture.makeSyncer(
      server, store: recording, account: account,
      configuration: SyncConfiguration(batchMessageLimit: 2))

    await #expect(throws: KithError.self) { try await syncer.syncOnce() }
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [4, 5, 6, 7])
    let interrupted = try store.folderState(account: account, folder: "INBOX")
    #expect(interrupted?.lowestUID == 4)
    #expect(interrupted?.highestUID == 7)

    let newMail = folder.appendingPathComponent("new.eml")
    try ResyncFixture.message(name: "008").write(to: newMail)
    try server.deliver([newMail])

    let summary = try await syncer.syncOnce()

    #expect(summary.result(for: "INBOX")?.fetchedCount == 4)
    #expect(recording.recordedBatches.dropFirst(2).map(\.uids) == [[8], [2, 3], [1]])
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == Array(1...8))
    #expect(try store.messageCount(account: account, folder: "INBOX") == 8)
    let state = try store.folderState(account: account, folder: "INBOX")
    #expect(state?.lowestUID == 1)
    #expect(state?.highestUID == 8)
  }

  /// Flag changes, an expunge and new mail from another client, read with QRESYNC or, when
  /// the server lacks it, by comparing every UID and flag (with CHANGEDSINCE when the server
  /// has CONDSTORE).
  @Test(arguments: [[], ["QRESYNC"], ["CONDSTORE", "QRESYNC"]])
  func serverChangesReachStore(withoutCapabilities: [String]) async throws {
    let withoutQResync = !withoutCapabilities.isEmpty
    let withoutCondstore = withoutCapabilities.contains("CONDSTORE")
    let messages = try ResyncFixture.messageFolder(count: 5)
    let server = try MailServer.start(messages: messages, withoutCapabilities: withoutCapabilities)
    defer { server.stop() }
    let (store, account, folder) = try ResyncFixture.makeStore()
    let contact = try store.addContact(
      name: "Sender Four", emails: ["sender004@example.com"], notes: "Met at the fair.")
    let syncer = ResyncFixture.makeSyncer(server, store: store, account: account)
    _ = try await syncer.syncOnce()
    let firstState = try store.folderState(account: account, folder: "INBOX")
    #expect((firstState?.highestModSeq ?? 0 > 0) == !withoutCondstore)

    try ResyncFixture.withOtherClient(server) { client in
      try client.storeFlags(["\\Flagged"], uids: [2], isAdded: true)
      try client.storeFlags(["\\Seen"], uids: [3], isAdded: true)
      try client.storeFlags(["\\Deleted"], uids: [4], isAdded: true)
      try client.expunge()
    }
    let newMail = folder.appendingPathComponent("new.eml")
    try ResyncFixture.message(name: "006").write(to: newMail)
    try server.deliver([newMail])

    let summary = try await syncer.syncOnce()

    let inbox = try #require(summary.result(for: "INBOX"))
    #expect(inbox.error == nil)
    #expect(inbox.usedQResync == !withoutQResync)
    #expect(inbox.expungedCount == 1)
    #expect(inbox.flagUpdateCount == 2)
    #expect(inbox.fetchedCount == 1)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 2, 3, 5, 6])
    let flagged = try ResyncFixture.storedFlags(store, account: account, uid: 2) ?? []
    let seen = try ResyncFixture.storedFlags(store, account: account, uid: 3) ?? []
    let untouched = try ResyncFixture.storedFlags(store, account: account, uid: 1) ?? []
    #expect(flagged.contains("\\Flagged"))
    #expect(seen.contains("\\Seen"))
    #expect(!untouched.contains("\\Seen"))
    #expect(!untouched.contains("\\Flagged"))
    #expect(try store.contact(forEmail: "sender004@example.com") == contact)
    #expect(try store.contact(contact)?.notes == "Met at the fair.")

    try ResyncFixture.withOtherClient(server) { client in
      try client.storeFlags(["\\Flagged"], uids: [2], isAdded: false)
    }
    let third = try #require(try await syncer.syncOnce().result(for: "INBOX"))
    #expect(third.flagUpdateCount == 1)
    #expect(third.expungedCount == 0)
    #expect(third.fetchedCount == 0)
    let unflagged = try ResyncFixture.storedFlags(store, account: account, uid: 2) ?? ["missing"]
    #expect(!unflagged.contains("\\Flagged"))
  }

  @Test func pendingSeenChangesReachServer() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    try ResyncFixture.withOtherClient(server) { client in
      try client.storeFlags(["\\Seen"], uids: [2], isAdded: true)
    }
    let (store, account, _) = try ResyncFixture.makeStore()
    let syncer = ResyncFixture.makeSyncer(server, store: store, account: account)
    _ = try await syncer.syncOnce()

    let first = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    let second = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 2))
    try store.markSeen([first])
    try store.markUnseen([second])
    #expect(try store.pendingFlagChanges(account: account).count == 2)

    let summary = try await syncer.syncOnce()

    #expect(summary.result(for: "INBOX")?.sentFlagChangeCount == 2)
    #expect(summary.result(for: "INBOX")?.flagUpdateCount == 0)
    #expect(try store.pendingFlagChanges(account: account).isEmpty)
    let server1 = try ResyncFixture.serverFlags(server)
    #expect(server1[1]?.contains("\\Seen") == true)
    #expect(server1[2]?.contains("\\Seen") == false)
    #expect(try store.flags(of: first)?.contains("\\Seen") == true)
    #expect(try store.flags(of: second)?.contains("\\Seen") == false)

    // The server reports Kith's own change back; the store stays as it is.
    let third = try await syncer.syncOnce()
    #expect(third.result(for: "INBOX")?.flagUpdateCount == 0)
    #expect(try store.flags(of: first)?.contains("\\Seen") == true)
  }

  @Test func uidValidityChangeKeepsLocalState() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, _) = try ResyncFixture.makeStore()
    let syncer = ResyncFixture.makeSyncer(server, store: store, account: account)
    _ = try await syncer.syncOnce()
    let oldValidity = try #require(try store.folderState(account: account, folder: "INBOX")).uidValidity
    let first = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    try store.markSeen([first])

    try ResyncFixture.changeUIDValidity(server, to: oldValidity &+ 1000)
    let summary = try await syncer.syncOnce()

    let inbox = try #require(summary.result(for: "INBOX"))
    #expect(inbox.wasReset)
    #expect(inbox.fetchedCount == 3)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
    #expect(try store.folderState(account: account, folder: "INBOX")?.uidValidity == oldValidity &+ 1000)
    let copy = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    #expect(try store.flags(of: copy)?.contains("\\Seen") == true)
    let pending = try store.pendingFlagChanges(account: account)
    #expect(pending.map(\.message) == [copy])
    #expect(try ResyncFixture.serverFlags(server)[1]?.contains("\\Seen") == false)

    let next = try await syncer.syncOnce()
    #expect(next.result(for: "INBOX")?.sentFlagChangeCount == 1)
    #expect(try store.pendingFlagChanges(account: account).isEmpty)
    #expect(try ResyncFixture.serverFlags(server)[1]?.contains("\\Seen") == true)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
  }

  @Test func extraFolderIsSynced() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    try ResyncFixture.withOtherClient(server) { client in
      try client.execute("CREATE Projects") { _ in false }
      try client.execute("UID COPY 1:2 Projects") { _ in false }
    }
    let (store, account, _) = try ResyncFixture.makeStore()
    let syncer = ResyncFixture.makeSyncer(
      server, store: store, account: account,
      configuration: SyncConfiguration(extraFolders: ["Projects"]))

    let summary = try await syncer.syncOnce()

    #expect(summary.result(for: "Projects")?.fetchedCount == 2)
    #expect(try store.storedUIDs(account: account, folder: "Projects") == [1, 2])
    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
  }
}
