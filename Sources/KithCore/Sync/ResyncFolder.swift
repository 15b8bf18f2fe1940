import Foundation

/// The incremental pass over one folder with a `ResyncStore`.
///
/// The steps, in order:
/// 1. Open the folder, with SELECT when flag changes wait to be sent and EXAMINE otherwise.
/// 2. Reset the folder when its UIDVALIDITY changed.
/// 3. Read the server's expunges and flag changes and apply them.
/// 4. Send the pending flag changes.
/// 5. Fetch the messages missing above and below the complete UID range.
/// 6. Record HIGHESTMODSEQ.
extension AccountSyncer {
  func enableQResyncIfPossible(_ client: IMAPClient) {
    do {
      let enabled = try client.enableQResync()
      logger.debug("QRESYNC checked", metadata: ["imap.qresync": enabled ? "enabled" : "unavailable"])
    } catch let error as KithError {
      // Without QRESYNC the pass compares UIDs and flags in full, so it still syncs.
      logger.warning(
        "ENABLE QRESYNC failed", metadata: ["error.code": error.code.rawValue, "error": error.description])
    } catch {
      logger.warning("ENABLE QRESYNC failed", metadata: ["error": String(describing: error)])
    }
  }

  func resyncFolder(
    _ folder: String, role: FolderRole, client: IMAPClient, store: any ResyncStore,
    emit: (SyncEvent) -> Void
  ) throws -> FolderSyncResult {
    var result = FolderSyncResult(folder: folder, role: role)
    var stored = try storeCall { try store.folderState(account: account, folder: folder) }
    let pending = try storeCall { try store.pendingFlagChanges(account: account) }
      .filter { $0.location.folder == folder }

    var known: (uidValidity: UInt32, modSeq: UInt64, uids: ClosedRange<UID>)?
    if let stored, stored.hasStoredRange, stored.highestModSeq > 0,
      stored.lowestUID <= stored.highestUID
    {
      known = (stored.uidValidity, stored.highestModSeq, stored.lowestUID...stored.highestUID)
    }
    let opened = try client.openForResync(folder, readWrite: !pending.isEmpty, known: known)
    let status = opened.status

    if let previous = stored, previous.uidValidity != status.uidValidity {
      logger.notice(
        "UIDVALIDITY changed, refetching folder",
        metadata: [
          "imap.mailbox": folder, "imap.uidvalidity": String(status.uidValidity),
          "imap.stored_uidvalidity": String(previous.uidValidity),
        ])
      try storeCall {
        try store.resetFolder(account: account, folder: folder, uidValidity: status.uidValidity)
      }
      result.wasReset = true
      stored = nil
    }

    if let stored, stored.hasStoredRange {
      try reconcile(
        folder, stored: stored, opened: opened, usedQResync: known != nil && client.isQResyncEnabled,
        client: client, store: store, result: &result)
    }
    let current = pending.filter { $0.location.uidValidity == status.uidValidity }
    if !current.isEmpty {
      try sendFlagChanges(current, folder: folder, status: status, client: client, store: store, result: &result)
    }

    let state = try storeCall { try store.folderState(account: account, folder: folder) }
    try fetchMissing(folder, state: state, status: status, client: client, store: store, result: &result, emit: emit)

    if let modSeq = status.highestModSeq {
      try storeCall { try store.setHighestModSeq(modSeq, account: account, folder: folder) }
    }
    logger.debug(
      "folder resynced",
      metadata: [
        "imap.mailbox": folder, "sync.fetched": String(result.fetchedCount),
        "sync.expunged": String(result.expungedCount), "sync.flags_changed": String(result.flagUpdateCount),
        "sync.flags_sent": String(result.sentFlagChangeCount), "imap.qresync": String(result.usedQResync),
      ])
    return result
  }

  /// Applies the server's expunges and flag changes to the stored range of `folder`.
  private func reconcile(
    _ folder: String, stored: FolderSyncState, opened: IMAPResyncOpenResult, usedQResync: Bool,
    client: IMAPClient, store: any ResyncStore, result: inout FolderSyncResult
  ) throws {
    let vanished: [UID]
    let flags: [UID: [String]]
    if usedQResync {
      vanished = opened.vanishedUIDs
      flags = opened.changedFlags
      result.usedQResync = true
    } else {
      let serverUIDs = Set(try client.allUIDs())
      let storedUIDs = try storeCall { try store.storedUIDs(account: account, folder: folder) }
      vanished = storedUIDs.filter { !serverUIDs.contains($0) }
      var changedSince: UInt64?
      if stored.highestModSeq > 0, opened.status.highestModSeq != nil {
        changedSince = stored.highestModSeq
      }
      if opened.status.exists == 0 || opened.status.highestModSeq == stored.highestModSeq && changedSince != nil {
        flags = [:]
      } else {
        flags = try client.fetchFlags(in: stored.lowestUID...stored.highestUID, changedSince: changedSince)
      }
    }
    if !vanished.isEmpty {
      result.expungedCount = try storeCall {
        try store.removeMessages(account: account, folder: folder, uids: vanished)
      }
    }
    if !flags.isEmpty {
      result.flagUpdateCount = try storeCall {
        try store.applyServerFlags(account: account, folder: folder, flags: flags)
      }
    }
  }

  /// Sends `changes` with `UID STORE`, one command per flag and direction, and clears each
  /// change once its command's tagged OK arrived. A rejected command is logged and its
  /// changes stay queued for the next pass.
  private func sendFlagChanges(
    _ changes: [PendingFlagChange], folder: String, status: IMAPMailboxStatus, client: IMAPClient,
    store: any ResyncStore, result: inout FolderSyncResult
  ) throws {
    guard !status.isReadOnly else {
      logger.warning(
        "mailbox is read-only, flag changes stay queued",
        metadata: ["imap.mailbox": folder, "sync.pending": String(changes.count)])
      return
    }
    let groups = Dictionary(grouping: changes) { FlagChangeKey(flag: $0.flag, isAdded: $0.isAdded) }
    let ordered = groups.sorted { ($0.key.flag, $0.key.isAdded ? 0 : 1) < ($1.key.flag, $1.key.isAdded ? 0 : 1) }
    for (key, group) in ordered {
      do {
        try client.storeFlags([key.flag], uids: group.map(\.location.uid), isAdded: key.isAdded)
      } catch let error as KithError where error.code == .serverResponse && !client.connection.isClosed {
        logger.error(
          "sending flag changes failed",
          metadata: [
            "imap.mailbox": folder, "imap.flag": key.flag, "sync.pending": String(group.count),
            "error.code": error.code.rawValue, "error": error.description,
          ])
        continue
      }
      try storeCall {
        for change in group { try store.clearPendingFlagChange(change) }
      }
      result.sentFlagChangeCount += group.count
    }
  }

  /// Fetches the messages above the complete range in ascending order, then those below it
  /// newest first, and extends the range with each stored batch.
  private func fetchMissing(
    _ folder: String, state: FolderSyncState?, status: IMAPMailboxStatus, client: IMAPClient,
    store: any ResyncStore, result: inout FolderSyncResult, emit: (SyncEvent) -> Void
  ) throws {
    guard status.exists > 0 else { return }
    var above: [(uid: UID, size: Int)] = []
    var below: [(uid: UID, size: Int)] = []
    let hasRange = state?.hasStoredRange ?? false
    if let state, hasRange {
      if status.uidNext.map({ UInt64($0) > UInt64(state.highestUID) + 1 }) ?? true {
        above = try client.fetchSizes(aboveUID: state.highestUID)
      }
      if state.lowestUID > 1 {
        below = try client.fetchSizes(in: 1...(state.lowestUID - 1))
      }
    } else {
      below = try client.fetchSizes(aboveUID: 0)
    }
    guard !above.isEmpty || !below.isEmpty else { return }
    below.reverse()

    var progress = SyncProgress(
      folder: folder, messagesDone: 0, messagesTotal: above.count + below.count, bytesDone: 0,
      bytesTotal: (above + below).reduce(0) { $0 + $1.size })
    emit(.progress(progress))

    let aboveBatches = FetchBatchPlanner.makeBatches(
      above, maximumMessages: configuration.batchMessageLimit, maximumBytes: configuration.batchByteLimit)
    let belowBatches = FetchBatchPlanner.makeBatches(
      below, maximumMessages: configuration.batchMessageLimit, maximumBytes: configuration.batchByteLimit)
    let batches = aboveBatches + belowBatches

    // The complete range grows upward from `highest` and downward from `lowest`. Before the
    // first batch of an empty folder, the range starts just above the newest UID.
    var highest = hasRange ? state!.highestUID : 0
    var lowest = hasRange ? state!.lowestUID : (below.first.map { $0.uid &+ 1 } ?? 1)
    var batchIndex = 0

    // The range is worked out when a batch is submitted, because batches are stored in that
    // order and a failed store ends the fetch.
    let pipeline = makeParsingPipeline(for: ClosedRange<UID>.self)
    func storeBatch(_ batch: ParsedBatch, completing range: ClosedRange<UID>) throws {
      try storeCall {
        try store.storeFetched(
          account: account, folder: folder, uidValidity: status.uidValidity, messages: batch.messages,
          completing: range)
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
        let requested = batches[batchIndex]
        let range: ClosedRange<UID>
        if batchIndex < aboveBatches.count {
          range = (highest + 1)...max(highest + 1, requested.max() ?? highest + 1)
          highest = range.upperBound
        } else {
          let low = requested.min() ?? lowest
          // `&-` because `lowest` wrapped to 0 when the newest UID is UInt32.max.
          range = low...max(low, lowest &- 1)
          lowest = low
        }
        batchIndex += 1
        try submit(messages, range)
      }
    }
  }
}

private struct FlagChangeKey: Hashable {
  var flag: String
  var isAdded: Bool
}
