import Foundation

/// One stored message as an audit compares it with the server.
public struct StoredAuditEntry: Sendable, Equatable {
  public var uid: UID
  public var uidValidity: UInt32
  public var subject: String?
}

extension Store {
  /// Returns every message stored for `folder`, under any UIDVALIDITY, ordered by UID.
  public func auditEntries(account: AccountID, folder: String) throws -> [StoredAuditEntry] {
    try database.rows(
      """
      SELECT m.uid, m.uidvalidity, m.subject FROM messages m JOIN folders f ON f.id = m.folder
      WHERE f.account = ?1 AND f.name = ?2
      ORDER BY m.uid
      """, account, folder
    ) {
      StoredAuditEntry(
        uid: UID(truncatingIfNeeded: $0.int64(0)),
        uidValidity: UInt32(truncatingIfNeeded: $0.int64(1)), subject: $0.optionalString(2))
    }
  }

  /// Records that every message of `folder` up to `highestUID` is stored, after a repair
  /// made the store match the server. A lower `highestUID` than the stored one is ignored.
  public func markFolderComplete(account: AccountID, folder: String, highestUID: UID) throws {
    try database.run(
      """
      UPDATE folders SET lowest_uid = 1, highest_uid = max(highest_uid, ?1)
      WHERE account = ?2 AND name = ?3
      """, highestUID, account, folder)
  }
}
