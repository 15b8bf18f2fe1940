import CSQLite
import Foundation

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe: confine each instance to one actor or thread. Other threads open their
/// own connection on the same file, which WAL mode allows (one writer, many readers).
final class Database {
  let path: String
  private let handle: OpaquePointer
  private var statements: [String: Statement] = [:]

  /// Opens or creates the database at `path`. The path `":memory:"` opens a private
  /// in-memory database.
  ///
  /// - Throws: `KithError` with `.store` when the file cannot be opened.
  init(path: String) throws {
    self.path = path
    var connection: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &connection, flags, nil)
    guard rc == SQLITE_OK, let connection else {
      let detail = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(connection)
      throw KithError(
        .store,
        "Could not open the store at \(path). Check that its folder exists and is writable.",
        cause: detail)
    }
    handle = connection
    sqlite3_extended_result_codes(handle, 1)
  }

  deinit {
    for statement in statements.values { statement.finalize() }
    sqlite3_close_v2(handle)
  }

  // MARK: Running SQL

  /// Runs one or more SQL statements that take no parameters and return no rows.
  func execute(_ sql: String) throws {
    var errorMessage: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
    if rc != SQLITE_OK {
      let detail = errorMessage.map { String(cString: $0) }
      sqlite3_free(errorMessage)
      throw makeError(rc, detail: detail)
    }
  }

  /// Returns the cached prepared statement for `sql`, reset and with its bindings cleared.
  ///
  /// NOTE: one statement serves each SQL text, so running the same SQL again while its rows
  /// are still being read resets the outer loop. Finish a query before reusing its SQL.
  func prepare(_ sql: String) throws -> Statement {
    if let cached = statements[sql] {
      cached.reset()
      return cached
    }
    var raw: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &raw, nil)
    guard rc == SQLITE_OK, let raw else { throw makeError(rc) }
    let statement = Statement(raw, database: self)
    statements[sql] = statement
    return statement
  }

  /// Runs a statement that returns no rows, with `arguments` bound to `?1`, `?2`, ...
  func run(_ sql: String, _ arguments: (any SQLiteBindable)?...) throws {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    while try statement.step() {}
  }

  /// Runs a query and maps each row with `transform`.
  func rows<T>(
    _ sql: String, _ arguments: (any SQLiteBindable)?..., transform: (Row) throws -> T
  ) throws -> [T] {
    try rows(sql, arguments: arguments, transform: transform)
  }

  /// Runs a query with an argument list built at run time and maps each row.
  func rows<T>(
    _ sql: String, arguments: [(any SQLiteBindable)?], transform: (Row) throws -> T
  ) throws -> [T] {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    var result: [T] = []
    while try statement.step() {
      result.append(try transform(Row(statement: statement)))
    }
    return result
  }

  /// Runs a query and maps its first row, or returns nil when it returns no rows.
  func firstRow<T>(
    _ sql: String, _ arguments: (any SQLiteBindable)?..., transform: (Row) throws -> T
  ) throws -> T? {
    let statement = try prepare(sql)
    try statement.bind(arguments)
    guard try statement.step() else { return nil }
    let value = try transform(Row(statement: statement))
    statement.reset()
    return value
  }

  /// The row id of the last successful INSERT on this connection.
  var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// The number of rows the last INSERT, UPDATE or DELETE changed.
  var changes: Int { Int(sqlite3_changes(handle)) }

  /// Whether a transaction is open on this connection.
  var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  // MARK: WAL

  /// The callback type of `sqlite3_wal_hook`: context, connection, schema name and the
  /// number of frames in the WAL after the commit.
  typealias WALHook = @convention(c) (
    UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32
  ) -> Int32

  /// Calls `hook` after each commit on this connection, in place of SQLite's automatic
  /// checkpoint. The connection keeps `owner` alive, because `hook` receives it as context.
  func setWALHook(_ hook: @escaping WALHook, owner: AnyObject) {
    walHookOwner = owner
    sqlite3_wal_hook(handle, hook, Unmanaged.passUnretained(owner).toOpaque())
  }

  private var walHookOwner: AnyObject?

  /// Runs a passive checkpoint: copies the WAL frames no reader still needs into the
  /// database file without waiting for locks.
  func checkpointPassive() throws {
    let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    guard rc == SQLITE_OK else { throw makeError(rc) }
  }

  // MARK: Transactions

  /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
  ///
  /// A call inside another transaction becomes a savepoint, so only its own writes roll
  /// back. The outer transaction starts with BEGIN IMMEDIATE, which takes the write lock at
  /// once: a deferred transaction that later upgrades can fail with SQLITE_BUSY in WAL mode
  /// without waiting for the busy timeout.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    if isInTransaction {
      return try savepoint(body)
    }
    try execute("BEGIN IMMEDIATE")
    do {
      let value = try body()
      try execute("COMMIT")
      return value
    } catch {
      rollBack("ROLLBACK")
      throw error
    }
  }

  private func savepoint<T>(_ body: () throws -> T) throws -> T {
    try execute("SAVEPOINT nested")
    do {
      let value = try body()
      try execute("RELEASE nested")
      return value
    } catch {
      rollBack("ROLLBACK TO nested; RELEASE nested")
      throw error
    }
  }

  private func rollBack(_ sql: String) {
    // Statements still stepping keep the transaction from rolling back cleanly.
    for statement in statements.values { statement.reset() }
    // SQLite may already have rolled back on its own (after SQLITE_FULL, for example), and
    // then ROLLBACK fails with "no transaction is active". That failure is dropped, so the
    // caller gets the error that caused the rollback.
    _ = try? execute(sql)
  }

  // MARK: Errors

  /// Builds the error for result code `rc`, using the connection's message when `detail` is nil.
  func makeError(_ rc: Int32, detail: String? = nil) -> KithError {
    let cause = detail ?? String(cString: sqlite3_errmsg(handle))
    switch rc & 0xff {
    case SQLITE_FULL:
      return KithError(
        .store, "The disk is full: could not write to the store at \(path). Free some space and retry.",
        cause: cause)
    case SQLITE_CORRUPT, SQLITE_NOTADB:
      return KithError(
        .store, "The store at \(path) is damaged or is not a Kith store. Restore it from a backup or move it away.",
        cause: cause)
    case SQLITE_BUSY, SQLITE_LOCKED:
      return KithError(
        .store, "The store at \(path) is locked by another process. Close the other Kith and retry.",
        cause: cause)
    case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN:
      return KithError(
        .store, "Could not write to the store at \(path). Check the permissions of the file and its folder.",
        cause: cause)
    default:
      // The other cases tell the user what to do. Here SQLite's own text is the only reason.
      return KithError(.store, "A store operation failed on \(path): \(cause).", cause: cause)
    }
  }
}

/// A prepared statement owned by a `Database`.
final class Statement {
  private let raw: OpaquePointer
  private unowned let database: Database

  fileprivate init(_ raw: OpaquePointer, database: Database) {
    self.raw = raw
    self.database = database
  }

  fileprivate func finalize() { sqlite3_finalize(raw) }

  /// Resets the statement so that it can run again and clears its bindings.
  func reset() {
    sqlite3_reset(raw)
    sqlite3_clear_bindings(raw)
  }

  /// Binds `values` to parameters 1, 2, ...; nil binds NULL.
  func bind(_ values: [(any SQLiteBindable)?]) throws {
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let rc = value?.bind(to: raw, at: index) ?? sqlite3_bind_null(raw, index)
      guard rc == SQLITE_OK else { throw database.makeError(rc) }
    }
  }

  /// Advances to the next row and returns whether there is one.
  ///
  /// After the last row, and after an error, the statement is reset so that it holds no
  /// read lock.
  func step() throws -> Bool {
    let rc = sqlite3_step(raw)
    switch rc {
    case SQLITE_ROW:
      return true
    case SQLITE_DONE:
      sqlite3_reset(raw)
      return false
    default:
      let error = database.makeError(rc)
      sqlite3_reset(raw)
      throw error
    }
  }

  fileprivate var handle: OpaquePointer { raw }
}

/// The current row of a stepping statement, valid only until the next step.
struct Row {
  fileprivate let statement: Statement

  func isNull(_ column: Int32) -> Bool {
    sqlite3_column_type(statement.handle, column) == SQLITE_NULL
  }

  func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement.handle, column) }

  func int(_ column: Int32) -> Int { Int(int64(column)) }

  func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

  func double(_ column: Int32) -> Double { sqlite3_column_double(statement.handle, column) }

  func bool(_ column: Int32) -> Bool { int64(column) != 0 }

  func string(_ column: Int32) -> String {
    guard let text = sqlite3_column_text(statement.handle, column) else { return "" }
    return String(cString: text)
  }

  func optionalString(_ column: Int32) -> String? { isNull(column) ? nil : string(column) }

  /// Returns the date stored as seconds since 1970 (REAL), or nil for NULL.
  func date(_ column: Int32) -> Date? {
    isNull(column) ? nil : Date(timeIntervalSince1970: double(column))
  }

  func data(_ column: Int32) -> Data? {
    if isNull(column) { return nil }
    let count = Int(sqlite3_column_bytes(statement.handle, column))
    guard count > 0, let bytes = sqlite3_column_blob(statement.handle, column) else { return Data() }
    return Data(bytes: bytes, count: count)
  }
}

/// A Swift value that can be bound to a statement parameter.
protocol SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension Int64: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_int64(statement, index, self)
  }
}

extension Int: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_int64(statement, index, Int64(self))
  }
}

extension UInt32: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_int64(statement, index, Int64(self))
  }
}

extension Bool: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_int64(statement, index, self ? 1 : 0)
  }
}

extension Double: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_double(statement, index, self)
  }
}

/// Dates are stored as seconds since 1970 (REAL), which keeps them sortable.
extension Date: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_double(statement, index, timeIntervalSince1970)
  }
}

extension String: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    sqlite3_bind_text(statement, index, self, -1, kith_sqlite_transient())
  }
}

extension Data: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    withUnsafeBytes { buffer in
      // A zero-length blob still needs a non-null pointer, or SQLite stores NULL.
      let base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
      return sqlite3_bind_blob64(
        statement, index, base, sqlite3_uint64(buffer.count), kith_sqlite_transient())
    }
  }
}

extension MessageRowID: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    rawValue.bind(to: statement, at: index)
  }
}

extension ContactID: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    rawValue.bind(to: statement, at: index)
  }
}

extension CompanyID: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    rawValue.bind(to: statement, at: index)
  }
}

extension AccountID: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    rawValue.bind(to: statement, at: index)
  }
}

extension ThreadID: SQLiteBindable {
  func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
    rawValue.bind(to: statement, at: index)
  }
}
