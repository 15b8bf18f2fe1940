import Foundation

/// Raw message bodies: stored in the body files, or in messages_raw for an in-memory store
/// and for bodies stored before schema version 6.
extension Store {
  /// Stores the raw message of row `message`. Call it inside the batch's transaction.
  func storeBody(_ raw: Data, of message: Int64) throws {
    guard let bodyFiles else {
      try database.run("INSERT INTO messages_raw (message, raw) VALUES (?1, ?2)", message, raw)
      return
    }
    let location = try bodyFiles.append(raw)
    try database.run(
      "INSERT INTO body_locations (message, pack, offset, length, checksum) VALUES (?1, ?2, ?3, ?4, ?5)",
      message, location.pack, location.offset, location.length, Int64(bitPattern: location.checksum))
  }

  /// Returns the raw RFC 5322 bytes of a message, or nil when the id is unknown or no body is
  /// stored for it.
  /// - Throws: `KithError` with `.store` when its body file is missing or damaged.
  public func rawMessage(_ id: MessageRowID) throws -> Data? {
    if let location = try bodyLocation(of: id), let bodyFiles {
      do {
        return try bodyFiles.read(location)
      } catch {
        // Compaction in another process may have moved the body after the query above and
        // removed the old pack. Then the row points at the new place.
        guard let moved = try bodyLocation(of: id), moved != location else { throw error }
        return try bodyFiles.read(moved)
      }
    }
    return try database.firstRow("SELECT raw FROM messages_raw WHERE message = ?1", id) { $0.data(0) } ?? nil
  }

  private func bodyLocation(of id: MessageRowID) throws -> BodyLocation? {
    try database.firstRow(
      "SELECT pack, offset, length, checksum FROM body_locations WHERE message = ?1", id,
      transform: { Self.location($0) })
  }

  /// Reads pack, offset, length and checksum from four columns starting at `first`.
  static func location(_ row: Row, first: Int32 = 0) -> BodyLocation {
    BodyLocation(
      pack: row.int64(first), offset: row.int64(first + 1), length: row.int64(first + 2),
      checksum: UInt64(bitPattern: row.int64(first + 3)))
  }

  /// Returns the messages whose body file is missing, too short or contains other bytes than
  /// those written, after reading every body.
  /// - Throws: `KithError` with `.store` when a pack cannot be read at all (no permission, say).
  public func damagedBodies() throws -> [MessageRowID] {
    guard let bodyFiles else { return [] }
    let rows = try database.rows(
      "SELECT message, pack, offset, length, checksum FROM body_locations ORDER BY pack, offset"
    ) { (id: MessageRowID($0.int64(0)), location: Self.location($0, first: 1)) }
    return try rows.filter { try !bodyFiles.isIntact($0.location) }.map(\.id)
  }

  /// Runs `compactBodyFiles` once per store connection, and again after each deletion on
  /// this connection. The first run catches space left by a killed process or another one.
  public func compactBodyFilesIfNeeded() throws {
    guard hasDeletedBodies || !hasCheckedBodyFiles else { return }
    hasDeletedBodies = false
    hasCheckedBodyFiles = true
    try compactBodyFiles()
  }

  /// Moves the live bodies out of each closed pack (see `BodyFiles.lockIfClosed`) that is more
  /// than half dead space into the pack this connection appends to, and deletes that pack.
  /// Returns how many packs it deleted.
  ///
  /// A body whose bytes are missing moves as zeros with its old checksum, so that it stays
  /// visible as damaged. Any other read failure keeps the pack. The moves commit with FULL
  /// syncing before the old pack goes, because after a power loss a rolled-back move would
  /// point into a deleted file.
  @discardableResult
  public func compactBodyFiles() throws -> Int {
    guard let bodyFiles else { return 0 }
    var removed = 0
    for pack in try bodyFiles.packNumbers().sorted() {
      guard let lock = try bodyFiles.lockIfClosed(pack) else { continue }
      defer { close(lock) }
      guard let size = bodyFiles.size(of: pack) else { continue }
      let emptied = try withFullSync {
        try database.transaction { () throws -> Bool in
          let live =
            try database.firstRow(
              "SELECT coalesce(sum(length), 0) FROM body_locations WHERE pack = ?1", pack
            ) { $0.int64(0) } ?? 0
          // An empty pack, left by a writer killed right after starting it, goes too.
          guard live == 0 || live * 2 < size else { return false }
          let rows = try database.rows(
            "SELECT message, pack, offset, length, checksum FROM body_locations WHERE pack = ?1", pack
          ) { (message: $0.int64(0), location: Self.location($0, first: 1)) }
          for row in rows {
            let bytes = try bodyFiles.bytesIfPresent(row.location)
            if bytes == nil {
              Self.logger.error(
                "moving a damaged body", metadata: ["store.message": "\(row.message)", "store.pack": "\(pack)"])
            }
            let moved = try bodyFiles.append(bytes ?? Data(count: Int(row.location.length)))
            try database.run(
              "UPDATE body_locations SET pack = ?1, offset = ?2 WHERE message = ?3",
              moved.pack, moved.offset, row.message)
          }
          try bodyFiles.syncAppendedData()
          return true
        }
      }
      if emptied {
        bodyFiles.removePack(pack)
        removed += 1
        Self.logger.info(
          "compacted body file", metadata: ["store.pack": "\(pack)", "store.bytes": "\(size)"])
      }
    }
    return removed
  }

  /// Runs `body` with `PRAGMA synchronous = FULL`, restoring NORMAL afterwards when
  /// `storeFetched` had set it.
  private func withFullSync<T>(_ body: () throws -> T) throws -> T {
    guard hasSyncCache, !database.isInTransaction else { return try body() }
    try database.execute("PRAGMA synchronous = FULL")
    defer { try? database.execute("PRAGMA synchronous = NORMAL") }
    return try body()
  }
}
