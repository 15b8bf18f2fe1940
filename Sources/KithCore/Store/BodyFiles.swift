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
/// whose lock keeps two processes from appending at once. Appends go to the newest pack until
/// it reaches `packLimit` bytes. After that the pack is not written again, so only then may
/// compaction move its live bodies and remove it. Bytes whose transaction rolled back stay
/// unreferenced, so they count as dead space. See `syncNewestPacks` for what reaches the disk
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
      throw KithError(.store, "Flushing message bodies to \(path(of: appendPack)) failed.", cause: Self.errnoText())
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
    guard descriptor >= 0 else {
      throw KithError(.store, "Opening the message body file \(path(of: pack)) failed.", cause: Self.errnoText())
    }
    appendDescriptor = descriptor
  }

  private func createDirectory() throws {
    if mkdir(directory, 0o700) != 0 && errno != EEXIST {
      throw KithError(
        .store, "Creating the message body folder \(directory) failed; check that its parent folder is writable.",
        cause: Self.errnoText())
    }
  }

  private func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int64) throws {
    var written = 0
    while written < bytes.count {
      let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
      if result < 0 {
        if errno == EINTR { continue }
        throw KithError(
          .store, "Writing a message body to \(path(of: appendPack)) failed; free some disk space and sync again.",
          cause: Self.errnoText())
      }
      written += result
    }
  }

  /// Flushes the two newest packs of `directory` to the disk, whichever process wrote them.
  /// The WAL checkpointer calls it before copying committed rows into the database file, so
  /// that rows there never point at bytes a power loss could still take away.
  ///
  /// Batches commit without it: a flush per batch made a first sync of 10,000 messages about
  /// 0.5 s slower in bench/sync. Like SQLite with `synchronous = NORMAL`, a power loss can then
  /// hit rows that are still only in the WAL; their bodies fail the checksum when read, and
  /// `kith audit --repair` fetches them again.
  static func syncNewestPacks(in directory: String) {
    let packs = BodyFiles(directory: directory)
    for pack in ((try? packs.packNumbers()) ?? []).sorted().suffix(2) {
      let descriptor = open(packs.path(of: pack), O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { continue }
      _ = fdatasync(descriptor)
      Glibc.close(descriptor)
    }
  }

  // MARK: Reading

  /// Returns the body at `location`.
  /// - Throws: `KithError` with `.store` when the file is missing, shorter than the location
  ///   says, or holds bytes whose checksum differs (a body lost in a power loss, say).
  func read(_ location: BodyLocation) throws -> Data {
    let data = try readBytes(location)
    let checksum = data.withUnsafeBytes { BodyChecksum.of($0) }
    guard checksum == location.checksum else {
      throw Self.damaged(location, "its bytes differ from those written")
    }
    return data
  }

  /// Returns the bytes at `location` without checking them, for moving them elsewhere.
  func readBytes(_ location: BodyLocation) throws -> Data {
    let descriptor = open(path(of: location.pack), O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ENOENT { throw Self.damaged(location, "its file is missing") }
      throw KithError(.store, "Opening the message body file \(path(of: location.pack)) failed.", cause: Self.errnoText())
    }
    defer { Glibc.close(descriptor) }
    var data = Data(count: Int(location.length))
    var done = 0
    let complete = data.withUnsafeMutableBytes { buffer -> Bool in
      while done < buffer.count {
        let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(location.offset) + off_t(done))
        if result < 0 && errno == EINTR { continue }
        if result <= 0 { return false }
        done += result
      }
      return true
    }
    guard complete else { throw Self.damaged(location, "its file ends before it") }
    return data
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
      throw KithError(.store, "Reading the size of \(path(of: pack)) failed.", cause: Self.errnoText())
    }
    return Int64(info.st_size)
  }

  static func damaged(_ location: BodyLocation, _ reason: String) -> KithError {
    KithError(
      .store,
      "The stored copy of this message is damaged: \(reason) (body file \(location.pack).pack, offset \(location.offset)). `kith audit --repair` fetches it again.")
  }

  private static func errnoText() -> String {
    String(cString: strerror(errno))
  }
}
