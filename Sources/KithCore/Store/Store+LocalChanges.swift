import Foundation

/// A flag change made in Kith that still has to reach the server.
public struct PendingFlagChange: Hashable, Sendable {
  public var message: MessageRowID
  public var location: MessageLocation
  public var flag: String
  /// True to add the flag on the server, false to remove it.
  public var isAdded: Bool

  public init(message: MessageRowID, location: MessageLocation, flag: String, isAdded: Bool) {
    self.message = message
    self.location = location
    self.flag = flag
    self.isAdded = isAdded
  }
}

extension Store {
  /// Marks `messages` read in the store and queues `\Seen` for the server.
  ///
  /// Messages already read are left alone. The change is shown at once; the sync actor sends
  /// it on its next pass and then calls `clearPendingFlagChange`.
  public func markSeen(_ messages: [MessageRowID]) throws {
    try database.transaction {
      for id in messages where try setSeen(true, for: id) {
        try database.run(
          """
          INSERT INTO pending_flag_changes (message, flag, is_added) VALUES (?1, '\\Seen', 1)
          ON CONFLICT (message, flag) DO UPDATE SET is_added = 1
          """, id)
      }
    }
  }

  /// Returns the flag changes of `account` that the server has not confirmed yet.
  ///
  /// CROSS JOIN makes SQLite start from the pending changes, which are few. Left to itself,
  /// it started from the account's messages and read one page of each, about 10,000 page
  /// reads per resync pass of a 10,000-message mailbox.
  public func pendingFlagChanges(account: AccountID) throws -> [PendingFlagChange] {
    try database.rows(
      """
      SELECT p.message, f.name, m.uidvalidity, m.uid, p.flag, p.is_added
      FROM pending_flag_changes p
      CROSS JOIN messages m ON m.id = p.message
      JOIN folders f ON f.id = m.folder
      WHERE m.account = ?1
      ORDER BY f.name, m.uid
      """, account
    ) {
      PendingFlagChange(
        message: MessageRowID($0.int64(0)),
        location: MessageLocation(
          account: account, folder: $0.string(1),
          uidValidity: UInt32(truncatingIfNeeded: $0.int64(2)),
          uid: UID(truncatingIfNeeded: $0.int64(3))),
        flag: $0.string(4), isAdded: $0.int64(5) != 0)
    }
  }

  /// Forgets a pending change after the server accepted it. A change that the user reversed
  /// since it was read (`isAdded` differs now) stays queued.
  public func clearPendingFlagChange(_ change: PendingFlagChange) throws {
    try database.run(
      "DELETE FROM pending_flag_changes WHERE message = ?1 AND flag = ?2 AND is_added = ?3",
      change.message, change.flag, change.isAdded)
  }

  /// Marks `messages` unread in the store and queues the removal of `\Seen` for the server.
  public func markUnseen(_ messages: [MessageRowID]) throws {
    try database.transaction {
      for id in messages where try setSeen(false, for: id) {
        try database.run(
          """
          INSERT INTO pending_flag_changes (message, flag, is_added) VALUES (?1, '\\Seen', 0)
          ON CONFLICT (message, flag) DO UPDATE SET is_added = 0
          """, id)
      }
    }
  }

  /// Returns the decoded bytes of attachment `index` (as listed in `MessageDetail.attachments`)
  /// of a stored message, or nil when the message or the attachment does not exist.
  public func attachmentData(of message: MessageRowID, index: Int) throws -> Data? {
    guard let raw = try rawMessage(message) else { return nil }
    return MessageParser.attachmentData(raw, at: index)
  }
}
