import Foundation

extension Store: SyncStore {
  public func folderState(account: AccountID, folder: String) throws -> FolderSyncState? {
    try database.firstRow(
      """
      SELECT uidvalidity, highest_uid, lowest_uid, highest_modseq FROM folders
      WHERE account = ?1 AND name = ?2
      """, account, folder
    ) {
      FolderSyncState(
        uidValidity: UInt32(truncatingIfNeeded: $0.int64(0)),
        highestUID: UID(truncatingIfNeeded: $0.int64(1)),
        lowestUID: UID(truncatingIfNeeded: $0.int64(2)),
        highestModSeq: UInt64(bitPattern: $0.int64(3)))
    }
  }

  /// Stores a batch of fetched messages in one transaction and advances the folder's state.
  ///
  /// Messages already stored under the same folder, UIDVALIDITY and UID are skipped, so a
  /// replayed batch stores nothing twice. Each new message gets a thread (see
  /// `assignThread`). The folder row is created on first use; `highestUID` becomes the
  /// maximum of its old value and the batch's UIDs.
  /// - Throws: `KithError` with `.store` when the folder is stored under another UIDVALIDITY
  ///   (call `resetFolder` first) or when SQLite fails. Then nothing of the batch is stored.
  public func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage]
  ) throws {
    try prepareForFetchedMail()
    let stored = try database.transaction {
      try insertFetchedBatch(account: account, folder: folder, uidValidity: uidValidity, messages: messages)
    }
    logStoredBatch(account: account, folder: folder, count: messages.count, stored: stored)
  }

  /// Stores a batch inside the caller's transaction and returns how many messages were new.
  /// It opens no savepoint, because inside one SQLite first copies every page the batch
  /// changes to a temporary file (about 1 MB per batch in bench/sync), and a failure rolls
  /// back the caller's whole transaction anyway.
  private func insertFetchedBatch(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage]
  ) throws -> Int {
    let folderID = try ensureFolder(account: account, folder: folder, uidValidity: uidValidity)
    // One query per batch instead of one per message: the UIDs already stored, and whether
    // the folder carries flag state from a UIDVALIDITY change at all.
    var storedUIDs = try storedUIDs(folderID: folderID, uidValidity: uidValidity, among: messages)
    let hasCarriedFlags =
      try database.firstRow("SELECT 1 FROM carried_flags WHERE folder = ?1 LIMIT 1", folderID) {
        _ in true
      } ?? false
    var storedCount = 0
    for message in messages where storedUIDs.insert(message.uid).inserted {
      try insertMessage(
        message, account: account, folderID: folderID, uidValidity: uidValidity,
        hasCarriedFlags: hasCarriedFlags)
      storedCount += 1
    }
    if let maxUID = messages.map(\.uid).max() {
      try database.run(
        "UPDATE folders SET highest_uid = max(highest_uid, ?1) WHERE id = ?2", maxUID, folderID)
    }
    return storedCount
  }

  /// Logs a committed batch.
  private func logStoredBatch(account: AccountID, folder: String, count: Int, stored: Int) {
    Self.logger.debug(
      "stored fetched batch",
      metadata: [
        "store.account": "\(account)", "store.folder": folder, "store.stored": "\(stored)",
        "store.skipped": "\(count - stored)",
      ])
  }

  /// Sets up this connection for storing fetched batches, once: a larger page cache and
  /// NORMAL instead of FULL syncing. Call it before the batch's transaction begins.
  private func prepareForFetchedMail() throws {
    if !hasSyncCache {
      // 8 MiB instead of SQLite's 2 MB keeps the index pages that batches update cached. In
      // bench/sync (10,000 messages) that cut the system time of a first sync from 1.7 to
      // 1.2 s. Only stores that fetch mail grow it, because a no-change resync with the larger
      // cache measured about 20 ms slower.
      try database.execute("PRAGMA cache_size = -8192")
      // NORMAL skips syncing the WAL at each commit. Per SQLite's documentation of the pragma,
      // a WAL store stays consistent with it, and a power loss may roll back the last batches,
      // which the next sync fetches again because the folder's UID range rolls back with them.
      // In bench/sync it made a first sync about 0.5 s (8 %) faster. SQLite rejects the
      // change inside a transaction, so a batch stored in a caller's transaction keeps FULL.
      if !database.isInTransaction {
        try database.execute("PRAGMA synchronous = NORMAL")
      }
      hasSyncCache = true
    }
  }

  /// Deletes the messages of `folder` stored under a UIDVALIDITY other than `uidValidity`,
  /// and records `uidValidity` with an empty UID range so that the next sync fetches the
  /// folder again. Creates the folder row when missing.
  ///
  /// The local flag state of each deleted message with a Message-ID is kept in `carried_flags`:
  /// its pending flag changes, and `\Seen` when it was read in the store. `storeFetched` applies
  /// that state to the first new copy with the same Message-ID in the folder.
  public func resetFolder(account: AccountID, folder: String, uidValidity: UInt32) throws {
    try database.transaction {
      let folderID = try ensureFolder(account: account, folder: folder, uidValidity: nil)
      try carryLocalFlags(folderID: folderID, keepingUIDValidity: uidValidity)
      let stale = try database.rows(
        "SELECT id FROM messages WHERE folder = ?1 AND uidvalidity != ?2", folderID, uidValidity
      ) { MessageRowID($0.int64(0)) }
      try deleteMessages(stale)
      try database.run(
        """
        UPDATE folders SET uidvalidity = ?1, highest_uid = 0, lowest_uid = 1, highest_modseq = 0
        WHERE id = ?2 AND uidvalidity != ?1
        """, uidValidity, folderID)
    }
  }

  /// Deletes the messages with `uids` from `folder` (expunged on the server) and returns how
  /// many were stored.
  @discardableResult
  public func removeMessages(account: AccountID, folder: String, uids: [UID]) throws -> Int {
    try database.transaction {
      var ids: [MessageRowID] = []
      for uid in uids {
        if let id = try messageRowID(account: account, folder: folder, uid: uid) {
          ids.append(id)
        }
      }
      try deleteMessages(ids)
      return ids.count
    }
  }

  // MARK: Helpers

  /// Returns the folder's row id, creating the row with `uidValidity` when missing.
  ///
  /// - Throws: `KithError` with `.store` when the row exists under another UIDVALIDITY and
  ///   `uidValidity` is not nil.
  private func ensureFolder(account: AccountID, folder: String, uidValidity: UInt32?) throws
    -> Int64
  {
    if let row = try database.firstRow(
      "SELECT id, uidvalidity FROM folders WHERE account = ?1 AND name = ?2", account, folder,
      transform: { ($0.int64(0), UInt32(truncatingIfNeeded: $0.int64(1))) })
    {
      if let uidValidity, row.1 != uidValidity {
        throw KithError(
          .store,
          "Folder \(folder) is stored under UIDVALIDITY \(row.1), not \(uidValidity). Reset the folder before storing messages for the new UIDVALIDITY.")
      }
      return row.0
    }
    try database.run(
      "INSERT INTO folders (account, name, uidvalidity) VALUES (?1, ?2, ?3)",
      account, folder, uidValidity ?? 0)
    return database.lastInsertRowID
  }

  /// Returns the UIDs of `messages` that the folder already stores under `uidValidity`.
  private func storedUIDs(folderID: Int64, uidValidity: UInt32, among messages: [FetchedMessage])
    throws -> Set<UID>
  {
    guard let lowest = messages.map(\.uid).min(), let highest = messages.map(\.uid).max() else {
      return []
    }
    let batchUIDs = Set(messages.map(\.uid))
    // A batch of scattered UIDs, as `kith audit --repair` fetches, would read every stored
    // UID between them, so such a batch looks up each of its UIDs instead.
    if Int(highest - lowest) >= max(1_000, 4 * batchUIDs.count) {
      var stored: Set<UID> = []
      for uid in batchUIDs {
        let isStored =
          try database.firstRow(
            "SELECT 1 FROM messages WHERE folder = ?1 AND uidvalidity = ?2 AND uid = ?3",
            folderID, uidValidity, uid
          ) { _ in true } ?? false
        if isStored { stored.insert(uid) }
      }
      return stored
    }
    let stored = try database.rows(
      """
      SELECT uid FROM messages
      WHERE folder = ?1 AND uidvalidity = ?2 AND uid BETWEEN ?3 AND ?4
      """, folderID, uidValidity, lowest, highest
    ) { UID(truncatingIfNeeded: $0.int64(0)) }
    return Set(stored.filter { batchUIDs.contains($0) })
  }

  /// Inserts one message that the folder does not store yet. Its carried flag state is
  /// looked up only when `hasCarriedFlags` is true, because most folders have none.
  private func insertMessage(
    _ message: FetchedMessage, account: AccountID, folderID: Int64, uidValidity: UInt32,
    hasCarriedFlags: Bool
  ) throws {
    let parsed = message.parsed
    let messageID = MessageIDs.normalize(parsed.messageID)
    let inReplyTo = MessageIDs.firstID(in: parsed.inReplyTo)
    let references = parsed.references.compactMap { MessageIDs.normalize($0) }
    let sortDate = parsed.date ?? message.internalDate

    let isDuplicate: Bool
    if let messageID {
      isDuplicate =
        try database.firstRow(
          "SELECT 1 FROM messages WHERE account = ?1 AND message_id = ?2 LIMIT 1",
          account, messageID
        ) { _ in true } ?? false
    } else {
      isDuplicate = false
    }

    let threadID = try assignThread(
      account: account, messageID: messageID, inReplyTo: inReplyTo, references: references,
      subject: parsed.subject)

    try database.run(
      """
      INSERT INTO messages (
        account, folder, uidvalidity, uid, flags, is_seen, internal_date, message_id,
        in_reply_to, "references", subject, date, sort_date, from_text, to_text, size,
        thread_id, is_duplicate)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
      """,
      account, folderID, uidValidity, message.uid, Self.joinFlags(message.flags),
      Self.isSeen(message.flags), message.internalDate, messageID, inReplyTo,
      references.joined(separator: " "), parsed.subject, parsed.date, sortDate,
      parsed.from.map(\.description).joined(separator: ", "),
      parsed.to.map(\.description).joined(separator: ", "),
      message.raw.count, threadID, isDuplicate)
    let rowID = database.lastInsertRowID
    try storeBody(message.raw, of: rowID)
    try insertAddresses(of: parsed, message: rowID)
    if hasCarriedFlags, let messageID {
      try applyCarriedFlags(folderID: folderID, messageID: messageID, to: MessageRowID(rowID))
    }
  }

  /// Inserts one row per address, each with its own statement. A statement that inserts
  /// several rows needs a statement journal, a temporary file, which in bench/sync added
  /// about 100,000 writes to a first sync of 10,000 messages.
  private func insertAddresses(of parsed: ParsedMessage, message: Int64) throws {
    let roles: [(String, [Address])] = [
      ("from", parsed.from), ("to", parsed.to), ("cc", parsed.cc), ("reply-to", parsed.replyTo),
    ]
    for (role, addresses) in roles {
      for (position, address) in addresses.enumerated() {
        try database.run(
          """
          INSERT INTO message_addresses (message, role, position, name, email, email_norm)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6)
          """, message, role, position, address.name, address.email,
          EmailAddresses.normalize(address.email))
      }
    }
  }

  /// Deletes messages and then the threads left empty, and marks the next copy of a deleted
  /// message's Message-ID as the one the views show.
  func deleteMessages(_ ids: [MessageRowID]) throws {
    if !ids.isEmpty { hasDeletedBodies = true }
    for id in ids {
      guard
        let row = try database.firstRow(
          "SELECT account, message_id, thread_id, is_duplicate FROM messages WHERE id = ?1", id,
          transform: { ($0.int64(0), $0.optionalString(1), $0.int64(2), $0.bool(3)) })
      else { continue }
      try database.run("DELETE FROM messages WHERE id = ?1", id)

      if let messageID = row.1, !row.3 {
        try database.run(
          """
          UPDATE messages SET is_duplicate = 0 WHERE id =
            (SELECT min(id) FROM messages WHERE account = ?1 AND message_id = ?2)
          """, row.0, messageID)
      }
      let isEmpty =
        try database.firstRow("SELECT 1 FROM messages WHERE thread_id = ?1 LIMIT 1", row.2) {
          _ in false
        } ?? true
      if isEmpty {
        try database.run("DELETE FROM threads WHERE id = ?1", row.2)
      }
    }
  }
}

extension Store: ResyncStore {
  /// Stores a batch and extends the folder's complete UID range, in one transaction.
  ///
  /// - Throws: `KithError` with `.store` when the folder is stored under another UIDVALIDITY,
  ///   when `completing` neither touches nor overlaps a non-empty stored range (a gap would be
  ///   recorded as complete), or when SQLite fails. Then nothing of the batch is stored.
  public func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage],
    completing range: ClosedRange<UID>
  ) throws {
    try prepareForFetchedMail()
    var stored = 0
    try database.transaction {
      // Read before storing, because storing raises highest_uid to the batch's maximum.
      let before = try folderState(account: account, folder: folder)
      stored = try insertFetchedBatch(
        account: account, folder: folder, uidValidity: uidValidity, messages: messages)
      guard let folderID = try folderRowID(account: account, folder: folder) else { return }

      var lowest = range.lowerBound
      var highest = range.upperBound
      if let state = before, state.uidValidity == uidValidity, state.hasStoredRange {
        let touches =
          UInt64(range.lowerBound) <= UInt64(state.highestUID) + 1
          && UInt64(range.upperBound) + 1 >= UInt64(state.lowestUID)
        guard touches else {
          throw KithError(
            .store,
            "Folder \(folder): fetched UIDs \(range.lowerBound):\(range.upperBound) leave a gap to the complete range \(state.lowestUID):\(state.highestUID).")
        }
        lowest = min(lowest, state.lowestUID)
        highest = max(highest, state.highestUID)
      }
      try database.run(
        "UPDATE folders SET lowest_uid = ?1, highest_uid = ?2 WHERE id = ?3", lowest, highest,
        folderID)
      if lowest <= 1 {
        // Every message of the folder is stored, so a carried state whose message did not
        // come back belongs to a message the server no longer has.
        try database.run("DELETE FROM carried_flags WHERE folder = ?1", folderID)
      }
    }
    logStoredBatch(account: account, folder: folder, count: messages.count, stored: stored)
  }

  @discardableResult
  public func applyServerFlags(account: AccountID, folder: String, flags: [UID: [String]]) throws
    -> Int
  {
    try database.transaction {
      var changed = 0
      for (uid, serverFlags) in flags {
        guard let id = try messageRowID(account: account, folder: folder, uid: uid),
          let current = try self.flags(of: id)
        else { continue }
        var merged = serverFlags.filter { $0.caseInsensitiveCompare("\\Recent") != .orderedSame }
        for (flag, isAdded) in try pendingChanges(of: id) {
          merged.removeAll { $0.caseInsensitiveCompare(flag) == .orderedSame }
          if isAdded { merged.append(flag) }
        }
        let currentSet = Set(current.filter { $0.caseInsensitiveCompare("\\Recent") != .orderedSame })
        if Set(merged) != currentSet {
          try setFlags(merged, for: id)
          changed += 1
        }
      }
      return changed
    }
  }

  public func setHighestModSeq(_ modSeq: UInt64, account: AccountID, folder: String) throws {
    try database.run(
      "UPDATE folders SET highest_modseq = ?1 WHERE account = ?2 AND name = ?3",
      Int64(clamping: modSeq), account, folder)
  }

  // MARK: Local state across a UIDVALIDITY change

  private func pendingChanges(of id: MessageRowID) throws -> [(String, Bool)] {
    try database.rows("SELECT flag, is_added FROM pending_flag_changes WHERE message = ?1", id) {
      ($0.string(0), $0.bool(1))
    }
  }

  /// Copies the pending flag changes and the local `\Seen` of the messages about to be
  /// dropped into `carried_flags`, keyed by Message-ID.
  private func carryLocalFlags(folderID: Int64, keepingUIDValidity uidValidity: UInt32) throws {
    try database.run(
      """
      INSERT OR REPLACE INTO carried_flags (folder, message_id, flag, is_added)
      SELECT m.folder, m.message_id, p.flag, p.is_added
      FROM messages m JOIN pending_flag_changes p ON p.message = m.id
      WHERE m.folder = ?1 AND m.uidvalidity != ?2 AND m.message_id IS NOT NULL
      """, folderID, uidValidity)
    try database.run(
      """
      INSERT OR IGNORE INTO carried_flags (folder, message_id, flag, is_added)
      SELECT folder, message_id, '\\Seen', 1 FROM messages
      WHERE folder = ?1 AND uidvalidity != ?2 AND message_id IS NOT NULL AND is_seen = 1
      """, folderID, uidValidity)
  }

  /// Applies the carried flag state for `messageID` to the new row `id`. A flag whose state
  /// differs from the server's copy is set locally and queued for the server.
  private func applyCarriedFlags(folderID: Int64, messageID: String, to id: MessageRowID) throws {
    let carried = try database.rows(
      "SELECT flag, is_added FROM carried_flags WHERE folder = ?1 AND message_id = ?2",
      folderID, messageID
    ) { ($0.string(0), $0.bool(1)) }
    guard !carried.isEmpty, var flags = try flags(of: id) else { return }

    for (flag, isAdded) in carried {
      let isSet = flags.contains { $0.caseInsensitiveCompare(flag) == .orderedSame }
      guard isSet != isAdded else { continue }
      flags.removeAll { $0.caseInsensitiveCompare(flag) == .orderedSame }
      if isAdded { flags.append(flag) }
      try database.run(
        """
        INSERT INTO pending_flag_changes (message, flag, is_added) VALUES (?1, ?2, ?3)
        ON CONFLICT (message, flag) DO UPDATE SET is_added = ?3
        """, id, flag, isAdded)
    }
    try setFlags(flags, for: id)
    try database.run(
      "DELETE FROM carried_flags WHERE folder = ?1 AND message_id = ?2", folderID, messageID)
  }
}

/// The normalization that makes addresses comparable: trimmed and lower-cased.
enum EmailAddresses {
  static func normalize(_ email: String) -> String {
    Address(name: nil, email: email.trimmingWhitespaceAndNewlines())
      .normalizedEmail
  }
}
