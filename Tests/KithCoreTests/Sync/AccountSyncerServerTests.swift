import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// An in-memory `SyncStore` with the contract of the real one: one transaction per batch,
/// duplicates skipped, and the highest UID advanced.
final class MemorySyncStore: SyncStore, @unchecked Sendable {
  struct Key: Hashable {
    var folder: String
    var uidValidity: UInt32
    var uid: UID
  }

  private let lock = NSLock()
  private var states: [String: FolderSyncState] = [:]
  private var stored: [Key: FetchedMessage] = [:]
  private(set) var batchSizes: [Int] = []
  private(set) var resets: [(folder: String, uidValidity: UInt32)] = []
  /// The 1-based number of the `storeFetched` call that fails, to simulate a crash mid-sync.
  var failingBatchNumber: Int?

  struct SimulatedFailure: Error {}

  func folderState(account: AccountID, folder: String) throws -> FolderSyncState? {
    lock.withLock { states[folder] }
  }

  func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage]
  ) throws {
    try lock.withLock {
      if failingBatchNumber == batchSizes.count + 1 { throw SimulatedFailure() }
      batchSizes.append(messages.count)
      for message in messages {
        let key = Key(folder: folder, uidValidity: uidValidity, uid: message.uid)
        if stored[key] == nil { stored[key] = message }
      }
      let highest = max(states[folder]?.highestUID ?? 0, messages.map(\.uid).max() ?? 0)
      states[folder] = FolderSyncState(uidValidity: uidValidity, highestUID: highest)
    }
  }

  func resetFolder(account: AccountID, folder: String, uidValidity: UInt32) throws {
    lock.withLock {
      resets.append((folder, uidValidity))
      stored = stored.filter { $0.key.folder != folder || $0.key.uidValidity == uidValidity }
      states[folder] = nil
    }
  }

  /// Sets a folder's state directly, as if an earlier sync had stored it.
  func setState(_ state: FolderSyncState, folder: String, message: FetchedMessage? = nil) {
    lock.withLock {
      states[folder] = state
      if let message {
        stored[Key(folder: folder, uidValidity: state.uidValidity, uid: message.uid)] = message
      }
    }
  }

  /// Returns the stored messages of `folder`, sorted by UID.
  func messages(in folder: String) -> [FetchedMessage] {
    lock.withLock {
      stored.filter { $0.key.folder == folder }.map(\.value).sorted { $0.uid < $1.uid }
    }
  }

  var storedCount: Int { lock.withLock { stored.count } }
}

/// Collects sync events from the actor's queue.
private final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var collected: [SyncEvent] = []

  func append(_ event: SyncEvent) { lock.withLock { collected.append(event) } }
  var events: [SyncEvent] { lock.withLock { collected } }
}

private let account = AccountID(1)

private func options(
  _ server: MailServer, security: IMAPConnectionOptions.Security = .tls, password: String? = nil,
  caFile: URL? = nil
) -> IMAPConnectionOptions {
  IMAPConnectionOptions(
    host: server.host, port: security == .tls ? server.imapsPort : server.imapStartTLSPort,
    security: security, login: server.user, password: password ?? server.password,
    caFile: (caFile ?? server.caFile).path, timeout: 20)
}

private func makeSyncer(
  _ server: MailServer, store: MemorySyncStore,
  security: IMAPConnectionOptions.Security = .tls, password: String? = nil, caFile: URL? = nil,
  configuration: SyncConfiguration = SyncConfiguration()
) -> AccountSyncer {
  AccountSyncer(
    account: account, options: options(server, security: security, password: password, caFile: caFile),
    store: store, configuration: configuration,
    parse: { data in ParsedMessage(bodyText: "\(data.count) bytes") })
}

/// Returns `data` as Dovecot 2.3 serves a Maildir file: LF line ends become CRLF, and a NUL
/// byte, which IMAP cannot carry in a message, is sent as 0x80.
private func asServed(_ data: Data) -> Data {
  Data(Fixtures.withCRLF(data).map { $0 == 0 ? 0x80 : $0 })
}

/// Writes `messages` as numbered `.eml` files into a new temporary folder.
private func writeMessages(_ messages: [Data]) throws -> URL {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("kith-imap-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  for (index, message) in messages.enumerated() {
    try message.write(to: folder.appendingPathComponent(String(format: "%03d.eml", index + 1)))
  }
  return folder
}

@Suite(.serialized) struct AccountSyncerServerTests {
  @Test func corpusSyncStoresEveryMessageOnce() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()
    let events = EventLog()
    let syncer = makeSyncer(
      server, store: store,
      configuration: SyncConfiguration(batchMessageLimit: 40, maximumCommandsInFlight: 3))

    let summary = try await syncer.syncOnce { events.append($0) }

    let names = try Fixtures.corpusFileNames()
    let inbox = store.messages(in: "INBOX")
    #expect(summary.result(for: "INBOX")?.fetchedCount == names.count)
    #expect(inbox.count == names.count)
    #expect(Set(inbox.map(\.uid)).count == inbox.count)
    #expect(store.batchSizes.count >= names.count / 40)
    #expect(store.batchSizes.allSatisfy { $0 <= 40 })

    // The server assigns UIDs in file-name order, so the nth UID is the nth file.
    for (name, message) in zip(names, inbox) {
      let file = try Fixtures.corpusMessage(name)
      #expect(message.raw == asServed(file), "\(name) differs from UID \(message.uid)")
      #expect(message.internalDate != nil, "\(name) has no INTERNALDATE")
      #expect(!message.flags.contains("\\Seen"), "\(name) was marked read")
    }

    let finalProgress = events.events.compactMap { event -> SyncProgress? in
      if case .progress(let progress) = event, progress.folder == "INBOX" { return progress }
      return nil
    }.last
    #expect(finalProgress?.messagesDone == names.count)
    #expect(finalProgress?.bytesDone == finalProgress?.bytesTotal)
    guard case .finished? = events.events.last else {
      Issue.record("last event is not .finished: \(String(describing: events.events.last))")
      return
    }

    var streamed: [SyncEvent] = []
    for await event in syncer.events {
      streamed.append(event)
      if case .finished = event { break }
    }
    #expect(streamed.count == events.events.count)

    let state = try store.folderState(account: account, folder: "INBOX")
    #expect(state?.highestUID == UID(names.count))
    #expect(state?.uidValidity != nil)

    let second = try await syncer.syncOnce()
    #expect(second.fetchedCount == 0)
    #expect(store.storedCount == names.count)
    #expect(try store.folderState(account: account, folder: "INBOX") == state)
  }

  @Test func interruptedSyncResumesWithoutDuplicates() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()
    store.failingBatchNumber = 3
    let syncer = makeSyncer(
      server, store: store, configuration: SyncConfiguration(batchMessageLimit: 25))

    do {
      _ = try await syncer.syncOnce()
      Issue.record("the store failure did not end the sync")
    } catch let error as KithError {
      #expect(error.code == .store)
    }
    #expect(store.storedCount == 50)

    store.failingBatchNumber = nil
    let summary = try await syncer.syncOnce()

    let total = try Fixtures.corpusFileNames().count
    #expect(summary.result(for: "INBOX")?.fetchedCount == total - 50)
    #expect(store.storedCount == total)
    #expect(store.messages(in: "INBOX").map(\.uid) == Array(1...UID(total)))
  }

  @Test func cancelledSyncStopsAfterBatch() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()
    let syncer = makeSyncer(
      server, store: store, configuration: SyncConfiguration(batchMessageLimit: 25))

    let task = Task {
      try await syncer.syncOnce { event in
        // The callback runs inside this task, so this cancels the sync after its first batch.
        if case .progress(let progress) = event, progress.messagesDone == 25 {
          withUnsafeCurrentTask { $0?.cancel() }
        }
      }
    }
    let result = await task.result
    #expect(throws: CancellationError.self) { try result.get() }
    #expect(store.storedCount == 25)

    let summary = try await syncer.syncOnce()
    #expect(summary.fetchedCount == (try Fixtures.corpusFileNames().count) - 25)
  }

  @Test func syncLeavesMessagesUnread() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()
    _ = try await makeSyncer(server, store: store).syncOnce()

    let client = try IMAPClient(options: options(server))
    defer { client.logout() }
    _ = try client.examine("INBOX")
    var seenCount = 0
    var flagCount = 0
    try client.execute("UID FETCH 1:* (FLAGS)") { response in
      guard case .fetch(_, let attributes) = response else { return false }
      flagCount += 1
      if attributes.flags?.contains("\\Seen") == true { seenCount += 1 }
      return true
    }
    #expect(flagCount == store.messages(in: "INBOX").count)
    #expect(seenCount == 0)
  }

  @Test func startTLSSyncMatchesImplicitTLS() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()

    let summary = try await makeSyncer(server, store: store, security: .starttls).syncOnce()

    #expect(summary.result(for: "INBOX")?.fetchedCount == (try Fixtures.corpusFileNames().count))
    #expect(summary.result(for: "INBOX")?.error == nil)
  }

  @Test func tagLikeLinesAndLongLinesStayIntact() async throws {
    let tagLines = Data(
      ("From: a@example.test\nTo: b@example.test\nSubject: tags\n\n"
        + "A004 OK done\nK1 OK done\nK3 OK Fetch completed.\nK4 BAD oops\n* 1 EXISTS\n"
        + "* 99 FETCH (UID 99999 FLAGS (\\Deleted))\n+ go ahead\n{5}\nabcde\n").utf8)
    let longLine = Data(
      ("From: a@example.test\nSubject: long line\n\n" + String(repeating: "Q", count: 300 * 1024)
        + "\nend\n").utf8)
    var eightBit = Data("From: a@example.test\nSubject: 8bit\nContent-Type: text/plain; charset=latin1\n\n".utf8)
    eightBit.append(contentsOf: (0x20...0xFF).map { UInt8($0) })
    eightBit.append(contentsOf: Array("\n".utf8))
    let messages = [tagLines, longLine, eightBit]
    let folder = try writeMessages(messages)
    defer { try? FileManager.default.removeItem(at: folder) }

    let server = try MailServer.start(messages: folder, sent: folder)
    defer { server.stop() }
    let store = MemorySyncStore()
    let summary = try await makeSyncer(server, store: store).syncOnce()

    let inbox = store.messages(in: "INBOX")
    #expect(inbox.count == messages.count)
    for (expected, message) in zip(messages, inbox) {
      #expect(message.raw == asServed(expected), "UID \(message.uid) differs")
    }
    #expect(summary.result(for: "Sent")?.role == .sent)
    #expect(store.messages(in: "Sent").count == messages.count)
    #expect(store.messages(in: "Sent").first?.flags.contains("\\Seen") == true)
  }

  @Test func wrongPasswordIsAuthenticationError() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let store = MemorySyncStore()
    let events = EventLog()

    let syncer = makeSyncer(server, store: store, password: "not-the-password")
    do {
      _ = try await syncer.syncOnce { events.append($0) }
      Issue.record("login with a wrong password succeeded")
    } catch let error as KithError {
      #expect(error.code == .authentication)
      #expect(error.message == "Login to \(server.host) failed: the server rejected the user name or password. Run kith account add again with the right password.")
    }
    #expect(store.storedCount == 0)
    #expect(store.batchSizes.isEmpty)
    #expect(store.resets.isEmpty)
    guard case .failed(let failure)? = events.events.last else {
      Issue.record("no .failed event")
      return
    }
    #expect(failure.code == .authentication)
  }

  @Test func untrustedCertificateIsTLSError() async throws {
    let server = try MailServer.start()
    defer { server.stop() }

    for security in [IMAPConnectionOptions.Security.tls, .starttls] {
      let store = MemorySyncStore()
      let syncer = makeSyncer(server, store: store, security: security, caFile: server.otherCAFile)
      do {
        _ = try await syncer.syncOnce()
        Issue.record("\(security): a certificate from another CA was accepted")
      } catch let error as KithError {
        #expect(error.code == .tls, "\(security): \(error)")
        #expect(error.message.contains("not trusted; check --ca-file"), "\(security): \(error.message)")
      }
      #expect(store.storedCount == 0)
    }
  }

  @Test func changedUIDValidityResetsFolder() async throws {
    let folder = try writeMessages([Data("Subject: one\n\nbody\n".utf8), Data("Subject: two\n\nbody\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try MailServer.start(messages: folder)
    defer { server.stop() }

    let store = MemorySyncStore()
    let stale = FetchedMessage(uid: 1, flags: [], internalDate: nil, raw: Data("stale".utf8), parsed: ParsedMessage())
    store.setState(FolderSyncState(uidValidity: 1, highestUID: 500), folder: "INBOX", message: stale)

    let summary = try await makeSyncer(server, store: store).syncOnce()

    #expect(summary.result(for: "INBOX")?.wasReset == true)
    #expect(summary.result(for: "INBOX")?.fetchedCount == 2)
    #expect(store.resets.map(\.folder) == ["INBOX"])
    #expect(store.messages(in: "INBOX").map { String(decoding: $0.raw.prefix(12), as: UTF8.self) } == ["Subject: one", "Subject: two"])
  }

  @Test func missingFolderFailsOnlyThatFolder() async throws {
    let folder = try writeMessages([Data("Subject: one\n\nbody\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try MailServer.start(messages: folder)
    defer { server.stop() }
    let store = MemorySyncStore()
    let events = EventLog()

    let syncer = makeSyncer(
      server, store: store, configuration: SyncConfiguration(extraFolders: ["No Such Folder", "Trash"]))
    let summary = try await syncer.syncOnce { events.append($0) }

    let failed = summary.result(for: "No Such Folder")
    #expect(failed?.error?.code == .serverResponse)
    #expect(failed?.error?.message.hasPrefix("The IMAP server rejected EXAMINE: NO") == true)
    #expect(summary.result(for: "INBOX")?.fetchedCount == 1)
    #expect(summary.result(for: "Trash")?.error == nil)
    #expect(events.events.contains { event in
      if case .folderFailed(let name, _) = event { return name == "No Such Folder" }
      return false
    })
  }

  @Test func unicodeExtraFolderIsEncoded() async throws {
    let folder = try writeMessages([Data("Subject: one\n\nbody\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try MailServer.start(messages: folder)
    defer { server.stop() }

    let message = "Subject: draft\r\n\r\nbody\r\n"
    let client = try IMAPClient(options: options(server))
    try client.execute("CREATE \"Entw&APw-rfe\"") { _ in false }
    // LITERAL+ (RFC 7888) lets the literal follow without waiting for a continuation.
    try client.execute("APPEND \"Entw&APw-rfe\" {\(message.utf8.count)+}\r\n\(message)") { _ in false }
    client.logout()

    let store = MemorySyncStore()
    let syncer = makeSyncer(server, store: store, configuration: SyncConfiguration(extraFolders: ["Entw\u{00FC}rfe"]))
    let summary = try await syncer.syncOnce()

    let result = summary.result(for: "Entw&APw-rfe")
    #expect(result?.error == nil)
    #expect(result?.fetchedCount == 1)
    #expect(store.messages(in: "Entw&APw-rfe").first?.raw == Data(message.utf8))
  }

  @Test func newMailDuringFetchIsQueued() throws {
    let folder = try writeMessages([Data("Subject: one\n\nbody\n".utf8), Data("Subject: two\n\nbody\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try MailServer.start(messages: folder)
    defer { server.stop() }
    let client = try IMAPClient(options: options(server))
    defer { client.logout() }

    let status = try client.examine("INBOX")
    #expect(status.exists == 2)
    try server.deliver([folder.appendingPathComponent("001.eml")])

    var fetched: [UID] = []
    try client.fetchMessages(batches: [[1], [2]], maximumInFlight: 2) { messages in
      fetched += messages.map(\.uid)
    }
    // A server reports new mail only with a response to some command (RFC 3501, section
    // 5.2), so NOOP gives it one more chance after the fetch.
    try client.execute("NOOP") { _ in false }

    #expect(fetched == [1, 2])
    #expect(client.takeUnsolicitedResponses().contains(.exists(3)))
    #expect(client.unsolicitedResponses.isEmpty)
  }

  @Test func idleReportsNewMailTimeoutAndWakeUp() throws {
    let folder = try writeMessages([Data("Subject: one\n\nbody\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try MailServer.start(messages: folder)
    defer { server.stop() }
    let client = try IMAPClient(options: options(server))
    defer { client.logout() }
    _ = try client.examine("INBOX")

    let timedOut = try client.idle(timeout: 0.3)
    #expect(timedOut.end == .timedOut)

    let wakeUp = try IMAPWakeUp()
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { wakeUp.wakeUp() }
    let started = Date()
    let wokenUp = try client.idle(timeout: 20, wakeUp: wakeUp)
    #expect(wokenUp.end == .wokenUp)
    #expect(Date().timeIntervalSince(started) < 10)

    let delivery = DispatchQueue(label: "kith.test.deliver")
    delivery.asyncAfter(deadline: .now() + 0.3) {
      try? server.deliver([folder.appendingPathComponent("001.eml")])
    }
    let changed = try client.idle(timeout: 20)
    #expect(changed.end == .changed)
    #expect(changed.responses.contains(.exists(2)))

    let status = try client.execute("NOOP") { _ in false }
    #expect(status.kind == .ok)
  }

  @Test func clientReportsMailboxState() throws {
    let server = try MailServer.start()
    defer { server.stop() }
    LogSink.shared.keepLinesInMemory(level: .trace)
    var traced = options(server)
    traced.wireTrace = true
    let client = try IMAPClient(options: traced)
    defer { client.logout() }

    #expect(try client.supports("IMAP4rev1"))
    let mailboxes = try client.listMailboxes()
    #expect(FolderSelection.findSent(in: mailboxes)?.name == "Sent")
    let status = try client.examine("INBOX")
    #expect(status.exists == UInt32(try Fixtures.corpusFileNames().count))
    #expect(status.uidValidity != 0)
    #expect(status.uidNext == status.exists + 1)
    #expect(status.highestModSeq != nil)
    #expect(status.isReadOnly)
    let uids = try client.uidSearch("ALL")
    #expect(uids.count == Int(status.exists))
    #expect(try client.fetchSizes(aboveUID: uids.last ?? 0).isEmpty)

    let connectionID = "imap.connection=\(client.connection.id) "
    let lines = LogSink.shared.keptLines().filter { $0.contains(connectionID) }
    #expect(lines.contains { $0.contains("CAPABILITY") })
    #expect(!lines.contains { $0.contains(server.password) })
  }
}
