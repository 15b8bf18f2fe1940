import Foundation

/// The local SQLite store: synced mail, threads and CRM records.
///
/// Not thread-safe: confine one instance to one actor. Another actor (the UI and a sync
/// actor, say) opens its own `Store` on the same path; WAL mode lets readers run while one
/// connection writes, and the busy timeout makes a second writer wait up to 5 seconds.
public final class Store {
  static let logger = Logger(label: "kith.store")
  let database: Database
  /// Nil for an in-memory store, which has no WAL.
  let checkpointer: WALCheckpointer?
  /// Whether `storeFetched` has set up this connection for storing batches (page cache, syncing).
  var hasSyncCache = false
  /// The parsed bodies of recently shown messages, for `messageDetail`.
  var bodyCache = ParsedBodyCache()
  /// The raw messages stored since schema version 6; nil for an in-memory store, which keeps
  /// them in the messages_raw table.
  let bodyFiles: BodyFiles?
  /// Whether this connection deleted messages whose bodies may be in a pack, so that
  /// `compactBodyFilesIfNeeded` has something to look for.
  var hasDeletedBodies = false
  /// Whether `compactBodyFilesIfNeeded` ran on this connection.
  var hasCheckedBodyFiles = false
  /// The WAL file size in bytes above which `shrinkWALIfLarge` truncates it.
  let walShrinkThresholdBytes: Int

  /// Opens the store at `path`, creating the file and bringing its schema up to date.
  ///
  /// A file created here gets mode 0600, because it contains mail.
  /// - Throws: `KithError` with `.store` when the file cannot be opened or migrated.
  public convenience init(path: String) throws {
    try self.init(path: path, walLimitBytes: WALCheckpointer.defaultBlockingBytes)
  }

  /// Opens the store at `path` with a WAL that the writing thread checkpoints itself once it
  /// exceeds `walLimitBytes`, body packs that stop growing at `packLimitBytes`, and a WAL file
  /// that `shrinkWALIfLarge` truncates above `walShrinkThresholdBytes`; tests pass small limits.
  init(
    path: String, walLimitBytes: Int, packLimitBytes: Int64 = BodyFiles.defaultPackLimit,
    walShrinkThresholdBytes: Int = Store.walShrinkThresholdBytes
  ) throws {
    self.walShrinkThresholdBytes = walShrinkThresholdBytes
    let isNewFile = path != ":memory:" && !FileManager.default.fileExists(atPath: path)
    database = try Database(path: path)
    // SQLite opens the file a symbolic link points to, so the bodies go beside that file too.
    let bodyDirectory = Self.bodyDirectory(forStoreAt: Self.resolvingLinks(path))
    bodyFiles = path == ":memory:" ? nil : BodyFiles(directory: bodyDirectory, packLimit: packLimitBytes)
    if isNewFile {
      try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
    try Schema.prepare(database)

    if path == ":memory:" {
      checkpointer = nil
    } else {
      let pageSize = try database.firstRow("PRAGMA page_size") { $0.int(0) } ?? 4096
      let flusher = PackFlusher(directory: bodyDirectory)
      let checkpointer = WALCheckpointer(
        path: path, pageSize: pageSize, blockingBytes: walLimitBytes,
        beforeCheckpoint: { flusher.flush() })
      checkpointer.attach(to: database)
      self.checkpointer = checkpointer
    }
  }

  deinit {
    checkpointer?.close()
    // Flushed first, because the last connection to close checkpoints the WAL into the
    // database file.
    try? bodyFiles?.syncAppendedData()
  }

  /// Returns the folder that contains the message bodies of the store file at `path`; pass
  /// the path with symbolic links resolved.
  public static func bodyDirectory(forStoreAt path: String) -> String {
    path + "-bodies"
  }

  /// Returns `path` with symbolic links resolved, or `path` itself when it does not exist.
  static func resolvingLinks(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Opens a private in-memory store, for tests.
  public static func inMemory() throws -> Store {
    try Store(path: ":memory:")
  }

  /// Returns the schema version of the open store (`PRAGMA user_version`).
  public func schemaVersion() throws -> Int {
    try Schema.userVersion(database)
  }

  /// Runs SQLite's integrity and foreign key checks and reads every body in the body files,
  /// and returns whether all of them found nothing wrong.
  public func integrityCheck() throws -> Bool {
    let lines = try database.rows("PRAGMA integrity_check") { $0.string(0) }
    let foreignKeyProblems = try database.rows("PRAGMA foreign_key_check") { $0.string(0) }
    guard lines == ["ok"], foreignKeyProblems.isEmpty else { return false }
    return try damagedBodies().isEmpty
  }

  /// The default of `walShrinkThresholdBytes`.
  static let walShrinkThresholdBytes = 8 << 20

  /// Checkpoints the whole WAL and truncates its file when the file is larger than
  /// `walShrinkThresholdBytes`, as after a large sync. SQLite keeps a WAL file at its largest
  /// size until the last connection closes, which for the browser means until it quits.
  ///
  /// Called after each sync pass rather than through `PRAGMA journal_size_limit`, which
  /// truncates the file every time the WAL starts over, about every 64 MB of a first sync,
  /// only for the next batches to grow it again. Returns whether the file was truncated; when
  /// a reader keeps the checkpoint from finishing within the busy timeout, the file stays as
  /// it is.
  @discardableResult
  public func shrinkWALIfLarge() throws -> Bool {
    guard let checkpointer else { return false }
    let walPath = database.path + "-wal"
    guard let size = try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? NSNumber,
      size.intValue > walShrinkThresholdBytes
    else { return false }
    checkpointer.waitUntilIdle()
    // The row is (busy, WAL frames, frames checkpointed); busy is 1 when readers blocked it.
    let isBusy = try database.firstRow("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) } ?? 1
    return isBusy == 0
  }

  /// Returns the value of a PRAGMA that returns one value, such as `journal_mode`.
  func pragma(_ name: String) throws -> String? {
    try database.firstRow("PRAGMA \(name)") { $0.string(0) }
  }

  // MARK: Accounts and folders

  /// Returns the id of the account with `key` (its email address), creating the row when
  /// missing.
  public func accountID(forKey key: String) throws -> AccountID {
    try database.transaction {
      try database.run("INSERT INTO accounts (key) VALUES (?1) ON CONFLICT (key) DO NOTHING", key)
      let id = try database.firstRow("SELECT id FROM accounts WHERE key = ?1", key) { $0.int64(0) }
      return AccountID(id!)
    }
  }

  /// Sets the CRM user who owns `account`; nil clears it.
  public func setOwner(_ owner: String?, of account: AccountID) throws {
    try database.run("UPDATE accounts SET owner = ?1 WHERE id = ?2", owner, account)
  }

  /// Returns the CRM user who owns `account`, or nil when none is set or the account is unknown.
  public func owner(of account: AccountID) throws -> String? {
    try database.firstRow("SELECT owner FROM accounts WHERE id = ?1", account) {
      $0.optionalString(0)
    } ?? nil
  }

  /// Deletes `account` with its folders, messages and threads. Contacts stay.
  public func deleteAccount(_ account: AccountID) throws {
    hasDeletedBodies = true
    try database.transaction {
      try database.run("DELETE FROM messages WHERE account = ?1", account)
      try database.run("DELETE FROM accounts WHERE id = ?1", account)
    }
  }

  /// Returns the names of the folders stored for `account`, sorted.
  public func folderNames(account: AccountID) throws -> [String] {
    try database.rows("SELECT name FROM folders WHERE account = ?1 ORDER BY name", account) {
      $0.string(0)
    }
  }

  /// Returns the row id of `folder`, or nil when the folder was never stored.
  func folderRowID(account: AccountID, folder: String) throws -> Int64? {
    try database.firstRow(
      "SELECT id FROM folders WHERE account = ?1 AND name = ?2", account, folder
    ) { $0.int64(0) }
  }

  // MARK: Messages

  /// Returns how many messages of `folder` are stored, under any UIDVALIDITY.
  public func messageCount(account: AccountID, folder: String) throws -> Int {
    try database.firstRow(
      """
      SELECT count(*) FROM messages
      WHERE folder = (SELECT id FROM folders WHERE account = ?1 AND name = ?2)
      """, account, folder
    ) { $0.int(0) } ?? 0
  }

  /// Returns the UIDs stored for `folder` under its current UIDVALIDITY, ascending.
  public func storedUIDs(account: AccountID, folder: String) throws -> [UID] {
    try database.rows(
      """
      SELECT m.uid FROM messages m JOIN folders f ON f.id = m.folder
      WHERE f.account = ?1 AND f.name = ?2 AND m.uidvalidity = f.uidvalidity
      ORDER BY m.uid
      """, account, folder
    ) { UID(truncatingIfNeeded: $0.int64(0)) }
  }

  /// Returns the row id of the message with `uid` in `folder` under its current UIDVALIDITY.
  public func messageRowID(account: AccountID, folder: String, uid: UID) throws -> MessageRowID? {
    try database.firstRow(
      """
      SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder
      WHERE f.account = ?1 AND f.name = ?2 AND m.uidvalidity = f.uidvalidity AND m.uid = ?3
      """, account, folder, uid
    ) { MessageRowID($0.int64(0)) }
  }

  /// Returns the IMAP flags of a message, or nil when the id is unknown.
  public func flags(of id: MessageRowID) throws -> [String]? {
    try database.firstRow("SELECT flags FROM messages WHERE id = ?1", id) {
      Self.splitFlags($0.string(0))
    }
  }

  /// Replaces the IMAP flags of a message, for instance after the user opened it.
  ///
  /// - Throws: `KithError` with `.notFound` when no message has that id.
  public func setFlags(_ flags: [String], for id: MessageRowID) throws {
    try database.run(
      "UPDATE messages SET flags = ?1, is_seen = ?2 WHERE id = ?3",
      Self.joinFlags(flags), Self.isSeen(flags), id)
    guard database.changes == 1 else {
      throw KithError(.notFound, "Message \(id) is not in the store.")
    }
  }

  /// Replaces the flags of the message with `uid` in `folder`, as a flag change from the
  /// server requires. Returns whether such a message was stored.
  @discardableResult
  public func setFlags(_ flags: [String], account: AccountID, folder: String, uid: UID) throws
    -> Bool
  {
    try database.run(
      """
      UPDATE messages SET flags = ?1, is_seen = ?2
      WHERE uid = ?5 AND (folder, uidvalidity) =
        (SELECT id, uidvalidity FROM folders WHERE account = ?3 AND name = ?4)
      """, Self.joinFlags(flags), Self.isSeen(flags), account, folder, uid)
    return database.changes > 0
  }

  /// Adds or removes `\Seen`, keeping the other flags, and returns whether the flags changed.
  ///
  /// - Throws: `KithError` with `.notFound` when no message has that id.
  @discardableResult
  public func setSeen(_ isSeen: Bool, for id: MessageRowID) throws -> Bool {
    try database.transaction {
      guard let current = try flags(of: id) else {
        throw KithError(.notFound, "Message \(id) is not in the store.")
      }
      guard Self.isSeen(current) != isSeen else { return false }

      var updated = current.filter { $0.caseInsensitiveCompare("\\Seen") != .orderedSame }
      if isSeen { updated.append("\\Seen") }
      try setFlags(updated, for: id)
      return true
    }
  }

  /// Returns the date the views show and sort a message by: its Date header, else the
  /// server's arrival time. Nil when the id is unknown or neither is known.
  public func shownDate(of id: MessageRowID) throws -> Date? {
    try database.firstRow("SELECT sort_date FROM messages WHERE id = ?1", id) { $0.date(0) } ?? nil
  }

  /// Returns where a message is stored on the server, for sending flag changes back, or nil
  /// when the id is unknown.
  public func location(of id: MessageRowID) throws -> MessageLocation? {
    try database.firstRow(
      """
      SELECT m.account, f.name, m.uidvalidity, m.uid
      FROM messages m JOIN folders f ON f.id = m.folder WHERE m.id = ?1
      """, id
    ) {
      MessageLocation(
        account: AccountID($0.int64(0)), folder: $0.string(1),
        uidValidity: UInt32(truncatingIfNeeded: $0.int64(2)), uid: UID(truncatingIfNeeded: $0.int64(3)))
    }
  }

  static func joinFlags(_ flags: [String]) -> String { flags.joined(separator: " ") }

  static func splitFlags(_ text: String) -> [String] {
    text.split(separator: " ").map(String.init)
  }

  /// IMAP flags are case-insensitive (RFC 3501, section 2.3.2).
  static func isSeen(_ flags: [String]) -> Bool {
    flags.contains { $0.caseInsensitiveCompare("\\Seen") == .orderedSame }
  }
}

/// The server-side address of a stored message: account, folder, UIDVALIDITY and UID.
public struct MessageLocation: Hashable, Sendable {
  public var account: AccountID
  public var folder: String
  public var uidValidity: UInt32
  public var uid: UID

  public init(account: AccountID, folder: String, uidValidity: UInt32, uid: UID) {
    self.account = account
    self.folder = folder
    self.uidValidity = uidValidity
    self.uid = uid
  }
}

/// Flushes the packs changed since its previous flush; the WAL checkpointer calls it on its
/// own thread before each checkpoint.
private final class PackFlusher: @unchecked Sendable {
  private let directory: String
  private let lock = NSLock()
  /// Seconds since 1970 from which a pack's change time means it needs a flush.
  private var since: Double = 0

  init(directory: String) {
    self.directory = directory
  }

  func flush() {
    lock.lock()
    defer { lock.unlock() }
    since = BodyFiles.syncPacks(in: directory, changedSince: since)
  }
}
