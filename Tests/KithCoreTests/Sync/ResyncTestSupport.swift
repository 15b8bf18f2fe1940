import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Builders for resync tests against a private Dovecot and a real `Store`.
enum ResyncFixture {
  /// The folder that contains this test process's message folders and stores. It is removed when
  /// the process exits, because the tests that use them do not remove them one by one.
  static let scratch: URL = {
    let url = scratchURL()
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: ResyncFixture.scratchURL()) }
    return url
  }()

  private static func scratchURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("kith-resync-tests-\(getpid())")
  }

  /// Writes `count` small messages `NNN.eml` with Message-ID `<mNNN@example.com>` from
  /// `senderNNN@example.com` into a new temporary folder; the server gives them UIDs 1...count.
  static func messageFolder(count: Int, prefix: String = "m") throws -> URL {
    let folder = scratch.appendingPathComponent("messages-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for index in 0..<count {
      let name = String(format: "%03d", index + 1)
      try message(name: name, prefix: prefix).write(to: folder.appendingPathComponent("\(name).eml"))
    }
    return folder
  }

  static func message(name: String, prefix: String = "m") -> Data {
    Data(
      """
      From: Sender \(name) <sender\(name)@example.com>
      To: kith@example.test
      Subject: \(prefix) message \(name)
      Message-ID: <\(prefix)\(name)@example.com>
      Date: Mon, 1 Jan 2024 10:00:00 +0000

      Body of \(prefix) message \(name).

      """.utf8)
  }

  static func options(_ server: MailServer) -> IMAPConnectionOptions {
    IMAPConnectionOptions(
      host: server.host, port: server.imapsPort, security: .tls, login: server.user,
      password: server.password, caFile: server.caFile.path, timeout: 20)
  }

  /// Returns a new file-backed store and the id of the server user's account in it.
  static func makeStore() throws -> (Store, AccountID, URL) {
    let folder = scratch.appendingPathComponent("store-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let store = try Store(path: folder.appendingPathComponent("kith.sqlite").path)
    let account = try store.accountID(forKey: "kith@example.test")
    return (store, account, folder)
  }

  static func makeSyncer(
    _ server: MailServer, store: any SyncStore, account: AccountID,
    configuration: SyncConfiguration = SyncConfiguration()
  ) -> AccountSyncer {
    AccountSyncer(
      account: account, options: options(server), store: store, configuration: configuration,
      parse: { MessageParser.parseHeaders($0) })
  }

  /// Runs `body` with a second IMAP session that has `mailbox` selected read-write, as
  /// another mail client would.
  static func withOtherClient<T>(
    _ server: MailServer, mailbox: String = "INBOX", _ body: (IMAPClient) throws -> T
  ) throws -> T {
    let client = try IMAPClient(options: options(server))
    defer { client.logout() }
    _ = try client.select(mailbox)
    return try body(client)
  }

  /// Returns the server's flags of every message in `mailbox`, keyed by UID.
  static func serverFlags(_ server: MailServer, mailbox: String = "INBOX") throws -> [UID: [String]] {
    let client = try IMAPClient(options: options(server))
    defer { client.logout() }
    _ = try client.examine(mailbox)
    return try client.fetchFlags(in: 1...100_000)
  }

  /// Returns the stored flags of the message with `uid`, or nil when it is not stored.
  static func storedFlags(_ store: Store, account: AccountID, folder: String = "INBOX", uid: UID)
    throws -> [String]?
  {
    guard let id = try store.messageRowID(account: account, folder: folder, uid: uid) else {
      return nil
    }
    return try store.flags(of: id)
  }

  /// Changes the UIDVALIDITY of `mailbox` with doveadm while the server runs.
  static func changeUIDValidity(_ server: MailServer, mailbox: String = "INBOX", to value: UInt32)
    throws
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/doveadm")
    process.arguments = [
      "-c", server.dovecotConfig.path, "mailbox", "update", "-u", server.user,
      "--uid-validity", String(value), mailbox,
    ]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw KithError(.configuration, "doveadm mailbox update failed with status \(process.terminationStatus).")
    }
  }
}

/// Collects sync events from the actor's queue.
final class ResyncEventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var collected: [SyncEvent] = []

  func append(_ event: SyncEvent) { lock.withLock { collected.append(event) } }
  var events: [SyncEvent] { lock.withLock { collected } }

  var progress: [SyncProgress] {
    events.compactMap { event in
      if case .progress(let progress) = event { return progress }
      return nil
    }
  }
}

/// A `ResyncStore` that forwards to a real `Store`, records each batch, and can fail one
/// batch to simulate an interruption.
final class RecordingResyncStore: ResyncStore, @unchecked Sendable {
  let store: Store
  private let lock = NSLock()
  private var batches: [(uids: [UID], range: ClosedRange<UID>)] = []
  /// The 1-based number of the batch that fails instead of being stored.
  var failingBatchNumber: Int?

  struct SimulatedFailure: Error {}

  init(_ store: Store) {
    self.store = store
  }

  var recordedBatches: [(uids: [UID], range: ClosedRange<UID>)] { lock.withLock { batches } }

  func folderState(account: AccountID, folder: String) throws -> FolderSyncState? {
    try store.folderState(account: account, folder: folder)
  }

  func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage]
  ) throws {
    try store.storeFetched(account: account, folder: folder, uidValidity: uidValidity, messages: messages)
  }

  func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage],
    completing range: ClosedRange<UID>
  ) throws {
    try lock.withLock {
      if failingBatchNumber == batches.count + 1 {
        failingBatchNumber = nil
        throw SimulatedFailure()
      }
      batches.append((messages.map(\.uid), range))
    }
    try store.storeFetched(
      account: account, folder: folder, uidValidity: uidValidity, messages: messages, completing: range)
  }

  func resetFolder(account: AccountID, folder: String, uidValidity: UInt32) throws {
    try store.resetFolder(account: account, folder: folder, uidValidity: uidValidity)
  }

  func storedUIDs(account: AccountID, folder: String) throws -> [UID] {
    try store.storedUIDs(account: account, folder: folder)
  }

  func removeMessages(account: AccountID, folder: String, uids: [UID]) throws -> Int {
    try store.removeMessages(account: account, folder: folder, uids: uids)
  }

  func applyServerFlags(account: AccountID, folder: String, flags: [UID: [String]]) throws -> Int {
    try store.applyServerFlags(account: account, folder: folder, flags: flags)
  }

  func setHighestModSeq(_ modSeq: UInt64, account: AccountID, folder: String) throws {
    try store.setHighestModSeq(modSeq, account: account, folder: folder)
  }

  func pendingFlagChanges(account: AccountID) throws -> [PendingFlagChange] {
    try store.pendingFlagChanges(account: account)
  }

  func clearPendingFlagChange(_ change: PendingFlagChange) throws {
    try store.clearPendingFlagChange(change)
  }
}
