import CSQLite
import Foundation

/// Runs the WAL checkpoints of one writing connection on a background thread, so that the
/// thread that commits does not also copy every page into the database file.
///
/// After each commit on the writing connection, SQLite calls `walHook` with the WAL's size.
/// From `backgroundFrames` frames (4 MB by default) on, a passive checkpoint runs on a second
/// connection on a serial queue. Such a checkpoint cannot reset the WAL while the writer keeps
/// appending. So from `blockingFrames` frames on, the committing thread waits for that
/// checkpoint and runs one itself, and the next write transaction starts the WAL from its
/// beginning. Crash safety is SQLite's: after a SIGKILL, the next open recovers from the WAL.
final class WALCheckpointer: @unchecked Sendable {
  /// WAL size in bytes from which a background checkpoint runs: SQLite's default automatic
  /// checkpoint threshold of 1,000 frames with 4 KiB pages.
  static let defaultBackgroundBytes = 1000 * 4096

  /// Maximum WAL size in bytes before the committing thread checkpoints itself. The WAL can
  /// exceed it by the transaction that crossed it.
  // A first sync of 10,000 messages reaches it although bodies no longer go through the WAL,
  // because each batch writes every index page it changed. `Store.shrinkWALIfLarge` gives
  // the space back after a pass.
  static let defaultBlockingBytes = 64 << 20

  let backgroundFrames: Int32
  let blockingFrames: Int32
  private let path: String
  /// Runs before every checkpoint of this store's WAL, on the checkpointing thread.
  private let beforeCheckpoint: @Sendable () -> Void
  private let queue = DispatchQueue(label: "kith.store.checkpoint", qos: .utility)
  private let lock = NSLock()
  private var isScheduled = false
  /// The background connection, opened on first use and used only on `queue`.
  private var connection: Database?

  init(path: String, pageSize: Int, backgroundBytes: Int = defaultBackgroundBytes,
       blockingBytes: Int = defaultBlockingBytes, beforeCheckpoint: @escaping @Sendable () -> Void = {}) {
    self.path = path
    self.beforeCheckpoint = beforeCheckpoint
    let pageSize = max(pageSize, 512)
    self.backgroundFrames = Int32(max(1, backgroundBytes / pageSize))
    self.blockingFrames = Int32(max(Int(backgroundFrames), blockingBytes / pageSize))
  }

  /// Installs the hook on `database`, the writing connection.
  func attach(to database: Database) {
    database.setWALHook(walHook, owner: self)
  }

  /// Waits for a scheduled checkpoint to finish and closes the background connection, so
  /// that the writing connection is the last one and deletes the WAL when it closes.
  func close() {
    queue.sync {
      connection = nil
    }
  }

  /// Waits until no background checkpoint is scheduled or running.
  func waitUntilIdle() {
    queue.sync {}
  }

  /// Called on the committing thread after each commit, with the WAL's size in frames.
  fileprivate func didCommit(_ database: OpaquePointer?, frames: Int32) {
    if frames >= blockingFrames {
      waitUntilIdle()
      beforeCheckpoint()
      // A failed checkpoint leaves the WAL longer, which costs space, not data, so the
      // commit still succeeds.
      let rc = sqlite3_wal_checkpoint_v2(database, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
      if rc != SQLITE_OK {
        Store.logger.warning(
          "WAL checkpoint failed on the writing connection",
          metadata: ["store.path": "\(path)", "sqlite.code": "\(rc)"])
      }
    } else if frames >= backgroundFrames {
      schedule()
    }
  }

  /// Queues one background checkpoint unless one is queued and not yet started.
  private func schedule() {
    lock.lock()
    let isNew = !isScheduled
    isScheduled = true
    lock.unlock()
    guard isNew else { return }

    queue.async { [self] in
      lock.lock()
      isScheduled = false
      lock.unlock()
      checkpoint()
    }
  }

  private func checkpoint() {
    do {
      if connection == nil {
        let opened = try Database(path: path)
        try opened.execute("PRAGMA busy_timeout = 5000")
        // A new connection opens the WAL only on its first read. Until then a checkpoint on it
        // does nothing and reports the database as not in WAL mode.
        _ = try opened.firstRow("SELECT count(*) FROM sqlite_schema") { $0.int(0) }
        connection = opened
      }
      beforeCheckpoint()
      try connection?.checkpointPassive()
    } catch {
      Store.logger.warning(
        "background WAL checkpoint failed",
        metadata: ["store.path": "\(path)", "error": "\(error)"])
    }
  }
}

/// The `sqlite3_wal_hook` callback. Its context is the unretained `WALCheckpointer`, which
/// the connection keeps alive.
private let walHook: Database.WALHook = { context, database, _, frames in
  guard let context else { return SQLITE_OK }
  let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
  checkpointer.didCommit(database, frames: frames)
  return SQLITE_OK
}
