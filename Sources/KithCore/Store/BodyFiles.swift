import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The place of one raw message in the body files: `length` bytes at `offset` of pack file
/// `pack`, whose `BodyChecksum` is `checksum`.
struct BodyLocation: Equatable, Sendable {
  var pack: Int64
  var offset: Int64
  var length: Int64
  var checksum: UInt64
}

/// The raw messages of a store, in append-only files ("packs") in a folder beside it.
///
/// In SQLite's WAL mode every byte of a body was written twice, into the WAL and again by the
/// checkpoint, and in bench/sync that cost about a fifth of a first sync's time. A pack gets
/// each body once. The store keeps each body's `BodyLocation`.
///
/// Contract: call `append` and `removePack` only inside a write transaction of the store,
/// whose lock keeps two processes from appending at once. A writer opens the newest pack and
/// appends to it until it reaches `packLimit` bytes, then starts a pack numbered above all
/// others. It keeps a shared `flock` on the pack it appends to. So a pack that is not the
/// newest and that no process holds a lock on is never written again (see `lockIfClosed`),
/// and only such a pack may compaction empty and remove. Bytes whose transaction rolled back
/// stay unreferenced, so they count as dead space. See `syncPacks` for what reaches the disk
/// when. Not thread-safe, like `Store`.
final class BodyFiles {
  /// Packs stop growing at 64 MiB, which bounds the dead space a never-compacted pack keeps.
  static let defaultPackLimit: Int64 = 64 << 20

  let directory: String
  let packLimit: Int64
  private var appendPack: Int64 = 0
  private var appendDescriptor: Int32 = -1
  /// Whether bytes were appended since the last `syncAppendedData`.
  private var hasUnsyncedData = false

  init(directory: String, packLimit: Int64 = defaultPackLimit) {
    self.directory = directory
    self.packLimit = packLimit
  }

  deinit {
    if appendDescriptor >= 0 { Glibc.close(appendDescriptor) }
  }

  func path(of pack: Int64) -> String {
    "\(directory)/\(pack).pack"
  }

  // MARK: Writing

  /// Appends `data` to the newest pack and returns its location.
  /// - Throws: `KithError` with `.store` when the folder or file cannot be created or written
  ///   (a full disk, say). Bytes written before the failure stay as dead space.
  func append(_ data: Data) throws -> BodyLocation {
    var descriptor = try openAppendPack()
    var offset = try fileSize(descriptor, pack: appendPack)
    if offset >= packLimit {
      try startNextPack()
      descriptor = appendDescriptor
      offset = try fileSize(descriptor, pack: appendPack)
    }
    let checksum = try data.withUnsafeBytes { bytes in
      try writeAll(bytes, to: descriptor, at: offset)
      return BodyChecksum.of(bytes)
    }
    hasUnsyncedData = true
    return BodyLocation(pack: appendPack, offset: offset, length: Int64(data.count), checksum: checksum)
  }

  /// Flushes the bytes this instance appended to the disk.
  func syncAppendedData() throws {
    guard hasUnsyncedData, appendDescriptor >= 0 else { return }
    if fdatasync(appendDescriptor) != 0 {
      throw fileError("Flushing message bodies to \(path(of: appendPack))")
    }
    hasUnsyncedData = false
  }

  private func openAppendPack() throws -> Int32 {
    if appendDescriptor >= 0 { return appendDescriptor }
    try createDirectory()
    appendPack = try packNumbers().max() ?? 1
    try openForAppending(appendPack)
    return appendDescriptor
  }

  private func startNextPack() throws {
    try syncAppendedData()
    Glibc.close(appendDescriptor)
    appendDescriptor = -1
    // Another process may have started newer packs; the lock makes this number free.
    appendPack = max(appendPack, try packNumbers().max() ?? 0) + 1
    try openForAppending(appendPack)
  }

  private func openForAppending(_ pack: Int64) throws {
    let descriptor = open(path(of: pack), O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw fileError("Opening the message body file \(path(of: pack))") }
    // Released when the descriptor closes, also when the process is killed.
    _ = flock(descriptor, LOCK_SH)
    appendDescriptor = descriptor
  }

  private func createDirectory() throws {
    if mkdir(directory, 0o700) != 0 && errno != EEXIST {
      throw fileError("Creating the message body folder \(directory)")
    }
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int64) throws {
    var written = 0
    while written < bytes.count {
      let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
      if result < 0 {
        if errno == EINTR { continue }
        throw fileError("Writing a message body to \(path(of: appendPack))")
      }
      written += result
    }
  }

  /// Flushes every pack of `directory` changed at or after `since` (seconds since 1970) to
  /// the disk, whichever process wrote it, and returns the time this call started, for the
  /// next call. The WAL checkpointer calls it before copying committed rows into the database
  /// file, so that rows there never point at bytes a power loss could still take away.
  ///
  /// Batches commit without it: a flush per batch made a first sync of 10,000 messages about
  /// 0.5 s slower in bench/sync. Like SQLite with `synchronous = NORMAL`, a power loss can then
  /// hit rows that are still only in the WAL; their bodies fail the checksum when read, and
  /// `kith audit --repair` fetches them again.
  static func syncPacks(in directory: String, changedSince since: Double) -> Double {
    let started = Date().timeIntervalSince1970
    let packs = BodyFiles(directory: directory)
    for pack in (try? packs.packNumbers()) ?? [] {
      var info = stat()
      guard stat(packs.path(of: pack), &info) == 0,
        Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9 >= since
      else { continue }
      let descriptor = open(packs.path(of: pack), O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { continue }
      _ = fdatasync(descriptor)
      Glibc.close(descriptor)
    }
    // One second of overlap covers file systems whose times are coarser than the clock.
    return started - 1
  }

  // MARK: Reading

  /// Returns the body at `location`.
  /// - Throws: `KithError` with `.store` when the file is missing, ends before the location
  ///   does or contains bytes whose checksum differs (a body lost in a power loss, say). Also
  ///   when the file cannot be read at all (no permission, say).
  func read(_ location: BodyLocation) throws -> Data {
    guard let data = try bytesIfPresent(location) else {
      guard FileManager.default.fileExists(atPath: directory) else {
        // A store copied or moved without its bodies folder, rather than a lost write.
        throw KithError(
          .store,
          "The stored copy of this message is missing: the folder \(directory) does not exist. If the store was copied or moved, copy that folder with it; otherwise `kith audit --repair` fetches the messages again.")
      }
      throw Self.damaged(location, "its file is missing or ends before it")
    }
    guard data.withUnsafeBytes({ BodyChecksum.of($0) }) == location.checksum else {
      throw Self.damaged(location, "its bytes differ from those written")
    }
    return data
  }

  /// Returns whether the body at `location` is there with its checksum.
  /// - Throws: `KithError` with `.store` when the file cannot be read for another reason, such
  ///   as a missing permission, which refetching would not cure.
  func isIntact(_ location: BodyLocation) throws -> Bool {
    guard let data = try bytesIfPresent(location) else { return false }
    return data.withUnsafeBytes { BodyChecksum.of($0) } == location.checksum
  }

  /// Returns the bytes at `location` without checking them, or nil when the file is missing or
  /// ends before the location does.
  func bytesIfPresent(_ location: BodyLocation) throws -> Data? {
    let descriptor = open(path(of: location.pack), O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ENOENT { return nil }
      throw fileError("Opening the message body file \(path(of: location.pack))")
    }
    defer { Glibc.close(descriptor) }
    var data = Data(count: Int(location.length))
    var done = 0
    var readError: Int32 = 0
    data.withUnsafeMutableBytes { buffer in
      while done < buffer.count {
        let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(location.offset) + off_t(done))
        if result < 0 && errno == EINTR { continue }
        if result < 0 { readError = errno }
        if result <= 0 { return }
        done += result
      }
    }
    if readError != 0 {
      errno = readError
      throw fileError("Reading the message body file \(path(of: location.pack))")
    }
    return done == data.count ? data : nil
  }

  // MARK: Packs

  /// Returns the numbers of the packs in the folder, in no order; none when it is missing.
  func packNumbers() throws -> [Int64] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    return names.compactMap { name in
      guard name.hasSuffix(".pack") else { return nil }
      return Int64(name.dropLast(5))
    }
  }

  /// Returns the size of a pack in bytes, or nil when it does not exist.
  func size(of pack: Int64) -> Int64? {
    var info = stat()
    guard stat(path(of: pack), &info) == 0 else { return nil }
    return Int64(info.st_size)
  }

  /// Returns a descriptor with an exclusive lock on `pack` when the pack is closed for
  /// appends: it is not the newest pack and no process appends to it. Returns nil otherwise.
  /// Close the descriptor after removing the pack, or to give the lock back.
  func lockIfClosed(_ pack: Int64) throws -> Int32? {
    guard let newest = try packNumbers().max(), pack < newest, pack != appendPack || appendDescriptor < 0 else {
      return nil
    }
    let descriptor = open(path(of: pack), O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      Glibc.close(descriptor)
      return nil
    }
    return descriptor
  }

  /// Deletes a pack that no row points into any more.
  func removePack(_ pack: Int64) {
    if pack == appendPack && appendDescriptor >= 0 {
      Glibc.close(appendDescriptor)
      appendDescriptor = -1
    }
    unlink(path(of: pack))
  }

  private func fileSize(_ descriptor: Int32, pack: Int64) throws -> Int64 {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw fileError("Reading the size of \(path(of: pack))")
    }
    return Int64(info.st_size)
  }

  static func damaged(_ location: BodyLocation, _ reason: String) -> KithError {
    KithError(
      .store,
      "The stored copy of this message is damaged: \(reason) (body file \(location.pack).pack, offset \(location.offset)). `kith audit --repair` fetches it again.")
  }

  /// Returns the error for a failed file operation, described by `action` ("Opening FILE"),
  /// with errno's reason and what to do.
  private func fileError(_ action: String) -> KithError {
    let code = errno
    let reason = String(cString: strerror(code))
    let advice: String
    switch code {
    case ENOSPC, EDQUOT: advice = "Free some disk space and try again."
    case EACCES, EPERM, EROFS: advice = "Check that you can read and write \(directory) and its files."
    case ENOTDIR, EEXIST: advice = "Move the file that is in the way of \(directory)."
    default: advice = "Check the disk and \(directory)."
    }
    return KithError(.store, "\(action) failed: \(reason). \(advice)", cause: reason)
  }
}
