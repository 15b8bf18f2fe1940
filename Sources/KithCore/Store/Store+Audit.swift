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

  /// Returns the messages of `folder` whose stored copy in the body files is missing or
  /// changed, after reading each one, ordered by UID.
  /// - Throws: `KithError` with `.store` when a pack cannot be read at all (no permission, say).
  public func damagedBodies(account: AccountID, folder: String) throws -> [StoredAuditEntry] {
    guard let bodyFiles else { return [] }
    let rows = try database.rows(
      """
      SELECT m.uid, m.uidvalidity, m.subject, b.pack, b.offset, b.length, b.checksum
      FROM messages m JOIN folders f ON f.id = m.folder JOIN body_locations b ON b.message = m.id
      WHERE f.account = ?1 AND f.name = ?2
      ORDER BY m.uid
      """, account, folder
    ) { row in
      (
        entry: StoredAuditEntry(
          uid: UID(truncatingIfNeeded: row.int64(0)),
          uidValidity: UInt32(truncatingIfNeeded: row.int64(1)), subject: row.optionalString(2)),
        location: Self.location(row, first: 3)
      )
    }
    return try rows.filter { try !bodyFiles.isIntact($0.location) }.map(\.entry)
  }

  /// Stores fresh copies of the raw messages with these UIDs in `folder` under `uidValidity`,
  /// in place of damaged ones, and returns how many it replaced. The header fields stay: they
  /// were parsed from the same message before its copy was damaged.
  public func replaceBodies(
    account: AccountID, folder: String, uidValidity: UInt32, bodies: [(uid: UID, raw: Data)]
  ) throws -> Int {
    try database.transaction {
      var replaced = 0
      for body in bodies {
        guard
          let id = try database.firstRow(
            """
            SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder
            WHERE f.account = ?1 AND f.name = ?2 AND m.uidvalidity = ?3 AND m.uid = ?4
            """, account, folder, uidValidity, body.uid, transform: { $0.int64(0) })
        else { continue }
        try database.run("DELETE FROM body_locations WHERE message = ?1", id)
        try database.run("DELETE FROM messages_raw WHERE message = ?1", id)
        try storeBody(body.raw, of: id)
        hasDeletedBodies = true
        replaced += 1
      }
      return replaced
    }
  }
}
