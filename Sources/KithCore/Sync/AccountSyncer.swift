import Foundation

/// The sync actor of one account: connects, finds Inbox and Sent, and fetches new messages of
/// each folder into a `SyncStore`.
///
/// The actor runs on its own dispatch queue because the IMAP calls block (see
/// `BlockingIOExecutor`). Each pass opens one connection and logs out at its end. While a
/// folder's messages are fetched, the fetch loop runs on a thread of `ParsingPipeline`, other
/// threads parse the batches, and the actor stores them in fetch order, one transaction each.
///
/// With a `ResyncStore` (such as `Store`), each folder pass sends the pending flag changes,
/// applies the server's expunges and flag changes, and fetches the missing messages newest
/// first (see `ResyncFolder.swift`). The server's changes are read with QRESYNC when the
/// server has it, else by comparing every UID and flag. With a plain `SyncStore`, messages
/// above the highest stored UID are fetched in ascending order, so that an interrupted pass
/// resumes without gaps.
public actor AccountSyncer {
  public nonisolated let account: AccountID
  /// Every event of every pass, also sent to the `onEvent` callback of `syncOnce`. The stream
  /// keeps the newest 1,000 events when no task reads it.
  public nonisolated let events: AsyncStream<SyncEvent>

  let options: IMAPConnectionOptions
  let store: any SyncStore
  let configuration: SyncConfiguration
  let parse: @Sendable (Data) -> ParsedMessage
  private let eventContinuation: AsyncStream<SyncEvent>.Continuation
  private let executor: BlockingIOExecutor
  /// The interruption of the running pass, for `interruptPass()` on other threads.
  private nonisolated let runningPass = RunningPass()
  var logger: Logger

  public nonisolated var unownedExecutor: UnownedSerialExecutor {
    executor.asUnownedSerialExecutor()
  }

  /// Creates the syncer; it connects only when a pass starts.
  ///
  /// - Parameters:
  ///   - store: the store to write to; the actor calls it from its own queue only.
  ///   - parse: turns raw message bytes into the fields Kith keeps, such as
  ///     `MessageParser.parseHeaders` (the store keeps no body fields). It runs on other
  ///     threads, several calls at once.
  public init(
    account: AccountID, options: IMAPConnectionOptions, store: any SyncStore,
    configuration: SyncConfiguration = SyncConfiguration(),
    parse: @escaping @Sendable (Data) -> ParsedMessage
  ) {
    self.account = account
    self.options = options
    self.store = store
    self.configuration = configuration
    self.parse = parse
    self.executor = BlockingIOExecutor(label: "kith.sync.account-\(account)")
    (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1000))
    var logger = Logger(label: "kith.sync")
    logger.metadata["account"] = String(describing: account)
    self.logger = logger
  }

  /// Runs one sync pass over Inbox, Sent and the configured extra folders.
  ///
  /// A folder whose commands the server rejects with NO or BAD is reported in its
  /// `FolderSyncResult` and a `.folderFailed` event, and the other folders go on.
  ///
  /// - Returns: the fetched count of each folder.
  /// - Throws: `KithError` with `.authentication`, `.tls` or `.network` when login or the
  ///   connection fails, `.store` when the store fails. `CancellationError` when the task is
  ///   cancelled, checked before each folder and after each stored batch. Batches stored
  ///   before a failure or cancellation stay stored.
  public func syncOnce(onEvent: @escaping @Sendable (SyncEvent) -> Void = { _ in }) throws
    -> SyncSummary
  {
    let emit: (SyncEvent) -> Void = { [eventContinuation] event in
      onEvent(event)
      eventContinuation.yield(event)
    }
    logger.info("sync started", metadata: ["imap.server": options.description])

    do {
      let interruption = try IMAPInterruption()
      runningPass.begin(interruption)
      defer { runningPass.end() }
      // Set before this check, so that a cancellation after it reaches the connection.
      try Task.checkCancellation()
      let client = try IMAPClient(options: options, interruption: interruption)
      defer { client.logout() }
      emit(.connected(server: options.description))
      if store is any ResyncStore { enableQResyncIfPossible(client) }

      var results: [FolderSyncResult] = []
      for (folder, role) in try foldersToSync(client) {
        try Task.checkCancellation()
        results.append(try syncFolderReportingFailure(folder, role: role, client: client, emit: emit))
      }

      do {
        try storeCall { try store.compactBodyFilesIfNeeded() }
        try storeCall { try store.shrinkWALIfLarge() }
      } catch {
        // Space not given back costs disk, not mail, and the next pass tries again.
        logger.warning("giving back store space failed", metadata: ["error": "\(error)"])
      }
      let summary = SyncSummary(folders: results)
      logger.info("sync finished", metadata: ["sync.fetched": String(summary.fetchedCount)])
      emit(.finished(summary))
      return summary
    } catch is CancellationError {
      logger.info("sync cancelled")
      throw CancellationError()
    } catch {
      let failure = Self.kithError(error)
      logger.error(
        "sync failed",
        metadata: ["error.code": failure.code.rawValue, "error": failure.description])
      emit(.failed(failure))
      throw failure
    }
  }

  /// Returns Inbox, then Sent when the server has one, then the extra folders, without repeats.
  private func foldersToSync(_ client: IMAPClient) throws -> [(String, FolderRole)] {
    let mailboxes = try client.listMailboxes()
    var folders: [(String, FolderRole)] = [(FolderSelection.findInbox(in: mailboxes), .inbox)]
    if let sent = FolderSelection.findSent(in: mailboxes) {
      folders.append((sent.name, .sent))
    } else {
      logger.notice("no Sent folder found", metadata: ["imap.mailboxes": String(mailboxes.count)])
    }
    for extra in configuration.extraFolders {
      let serverName = extra.unicodeScalars.allSatisfy(\.isASCII) ? extra : ModifiedUTF7.encode(extra)
      if !folders.contains(where: { $0.0 == serverName }) {
        folders.append((serverName, .other))
      }
    }
    return folders
  }

  /// Syncs one folder. A NO, BAD or invalid name fails only this folder while the connection
  /// stays open, and any other error ends the pass.
  private func syncFolderReportingFailure(
    _ folder: String, role: FolderRole, client: IMAPClient, emit: (SyncEvent) -> Void
  ) throws -> FolderSyncResult {
    emit(.folderStarted(folder: folder, role: role))
    do {
      let result: FolderSyncResult
      if let resyncStore = store as? any ResyncStore {
        result = try resyncFolder(folder, role: role, client: client, store: resyncStore, emit: emit)
      } else {
        result = try syncFolder(folder, role: role, client: client, emit: emit)
      }
      emit(.folderFinished(result))
      return result
    } catch let error as KithError
      where (error.code == .serverResponse || error.code == .invalidInput)
      && !client.connection.isClosed
    {
      logger.error(
        "folder sync failed",
        metadata: ["imap.mailbox": folder, "error.code": error.code.rawValue, "error": error.description])
      emit(.folderFailed(folder: folder, error: error))
      return FolderSyncResult(folder: folder, role: role, error: error)
    }
  }

  private func syncFolder(
    _ folder: String, role: FolderRole, client: IMAPClient, emit: (SyncEvent) -> Void
  ) throws -> FolderSyncResult {
    let status = try client.examine(folder)
    let stored = try storeCall { try store.folderState(account: account, folder: folder) }
    let plan = FolderSyncPlan.make(stored: stored, server: status)
    var result = FolderSyncResult(folder: folder, role: role, wasReset: plan.resetsFolder)

    if plan.resetsFolder {
      logger.info(
        "UIDVALIDITY changed, dropping stored messages",
        metadata: [
          "imap.mailbox": folder, "imap.uidvalidity": String(status.uidValidity),
          "imap.stored_uidvalidity": stored.map { String($0.uidValidity) } ?? "-",
        ])
      try storeCall { try store.resetFolder(account: account, folder: folder, uidValidity: status.uidValidity) }
    }
    if plan.isUpToDate { return result }

    let sizes = try client.fetchSizes(aboveUID: plan.fetchesAboveUID)
    var progress = SyncProgress(
      folder: folder, messagesDone: 0, messagesTotal: sizes.count, bytesDone: 0,
      bytesTotal: sizes.reduce(0) { $0 + $1.size })
    emit(.progress(progress))

    let batches = FetchBatchPlanner.makeBatches(
      sizes, maximumMessages: configuration.batchMessageLimit,
      maximumBytes: configuration.batchByteLimit)
    let pipeline = makeParsingPipeline(for: Void.self)
    func storeBatch(_ batch: ParsedBatch, _: Void) throws {
      try storeCall {
        try store.storeFetched(
          account: account, folder: folder, uidValidity: status.uidValidity, messages: batch.messages)
      }
      progress.messagesDone += batch.messages.count
      progress.bytesDone += batch.byteCount
      result.fetchedCount += batch.messages.count
      emit(.progress(progress))
      try Task.checkCancellation()
    }
    try pipeline.run(store: storeBatch) { submit in
      try client.fetchMessages(batches: batches, maximumInFlight: configuration.maximumCommandsInFlight) {
        messages in
        try submit(messages, ())
      }
    }

    logger.debug(
      "folder synced", metadata: ["imap.mailbox": folder, "sync.fetched": String(result.fetchedCount)])
    return result
  }

  /// Makes the running pass, if any, throw `CancellationError` at its next wait for the
  /// server, or during its connect and login, instead of waiting up to the connection timeout.
  /// It may be called from any thread. The caller cancels its task too, because a pass checks
  /// the task between folders and batches.
  public nonisolated func interruptPass() {
    runningPass.interrupt()
  }

  /// Runs a store call and turns errors that are not `KithError` into `.store` errors.
  func storeCall<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as KithError {
      throw error
    } catch {
      throw KithError(.store, "Saving synced mail failed.", cause: String(describing: error))
    }
  }

  private static func kithError(_ error: Error) -> KithError {
    if let error = error as? KithError { return error }
    return KithError(.store, "The sync failed.", cause: String(describing: error))
  }
}

/// The interruption of the pass that is running, guarded by a lock because
/// `interruptPass()` runs outside the actor.
private final class RunningPass: @unchecked Sendable {
  private let lock = NSLock()
  private var interruption: IMAPInterruption?

  func begin(_ interruption: IMAPInterruption) {
    lock.withLock { self.interruption = interruption }
  }

  func end() {
    lock.withLock { interruption = nil }
  }

  func interrupt() {
    lock.withLock { interruption }?.interrupt()
  }
}
