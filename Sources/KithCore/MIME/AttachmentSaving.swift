import Foundation
import Glibc

/// Safe file names for attachments and writing attachment bytes to disk.
///
/// A name from a message is hostile input: it may try to leave the chosen folder, hide its
/// real extension behind a bidirectional override, or carry control characters.
/// `safeFileName(_:mimeType:)` turns it into one plain path component.
public enum AttachmentSaving {
  /// The maximum length of a file name in bytes of UTF-8, the `NAME_MAX` of Linux file systems.
  public static let maximumNameBytes = 255

  /// An extension longer than this many bytes is treated as part of the name when a long
  /// name is shortened, so a name like "a.very-long-tail…" is cut like any other.
  static let maximumExtensionBytes = 16

  // MARK: File names

  /// Returns a file name made from an attachment's `name` that stays inside any folder it is
  /// joined to.
  ///
  /// The result contains no `/` or `\`, no `..`, no leading dot, hyphen or space, no control
  /// characters, and at most `maximumNameBytes` bytes of UTF-8, cut before the extension so
  /// the extension is kept. Bidirectional overrides and isolates become visible text such as
  /// `<U+202E>`, so "invoice\u{202E}fdp.exe" shows its real `.exe` extension. A missing or
  /// empty name falls back to "attachment" with an extension for `mimeType`.
  public static func safeFileName(_ name: String?, mimeType: String) -> String {
    var cleaned = cleanCharacters(name ?? "")
    cleaned = collapseDots(cleaned)
    cleaned = trimEnds(cleaned)
    if cleaned.isEmpty || cleaned == "." {
      cleaned = "attachment" + fileExtension(forMIMEType: mimeType)
    }
    return shorten(cleaned, toBytes: maximumNameBytes)
  }

  /// Returns `text` with separators and control characters replaced by `_` and
  /// bidirectional controls replaced by their visible placeholder.
  private static func cleanCharacters(_ text: String) -> String {
    var result = ""
    for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
      if isBidirectionalControl(scalar) {
        result += TerminalText.placeholder(for: scalar)
      } else if scalar == "/" || scalar == "\\" || isControl(scalar) {
        result += "_"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Returns whether `scalar` changes the direction of text: the embeddings, overrides and isolates
  /// U+202A-U+202E and U+2066-U+2069, and the marks U+200E, U+200F and U+061C.
  static func isBidirectionalControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
    default: return false
    }
  }

  /// Returns whether `scalar` is a C0 or C1 control, DEL, a line or paragraph separator, or the byte
  /// order mark, none of which belongs in a file name.
  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF: return true
    default: return false
    }
  }

  /// Replaces every run of dots by one dot, so no ".." remains anywhere in the name.
  private static func collapseDots(_ text: String) -> String {
    var result = ""
    for character in text {
      if character == ".", result.last == "." {
        continue
      }
      result.append(character)
    }
    return result
  }

  /// Removes leading dots, hyphens and white space, and trailing dots and white space. A
  /// leading dot would hide the file, and a leading hyphen reads as an option to most commands.
  private static func trimEnds(_ text: String) -> String {
    var characters = Substring(text)
    while let first = characters.first, first == "." || first == "-" || first.isWhitespace {
      characters.removeFirst()
    }
    while let last = characters.last, last == "." || last.isWhitespace {
      characters.removeLast()
    }
    return String(characters)
  }

  /// Cuts the part before the extension, at a grapheme boundary, until the whole name fits
  /// in `limit` bytes of UTF-8.
  private static func shorten(_ name: String, toBytes limit: Int) -> String {
    guard name.utf8.count > limit else { return name }

    var stem = Substring(name)
    var suffix = ""
    if let dot = name.lastIndex(of: "."), dot != name.startIndex {
      let candidate = name[dot...]
      if candidate.utf8.count <= maximumExtensionBytes {
        stem = name[..<dot]
        suffix = String(candidate)
      }
    }
    let budget = limit - suffix.utf8.count
    var keptStem = ""
    var keptBytes = 0
    for character in stem {
      let size = String(character).utf8.count
      if keptBytes + size > budget { break }
      keptStem.append(character)
      keptBytes += size
    }
    return trimEnds(keptStem) + suffix
  }

  /// Returns an extension with its dot for common MIME types, or ".bin" for any other.
  static func fileExtension(forMIMEType mimeType: String) -> String {
    let known: [String: String] = [
      "text/plain": ".txt", "text/html": ".html", "text/csv": ".csv", "text/calendar": ".ics",
      "text/vcard": ".vcf", "text/x-vcard": ".vcf", "text/xml": ".xml",
      "application/pdf": ".pdf", "application/zip": ".zip", "application/json": ".json",
      "application/xml": ".xml", "application/gzip": ".gz", "application/msword": ".doc",
      "application/vnd.ms-excel": ".xls",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
      "application/pgp-signature": ".asc", "application/pkcs7-signature": ".p7s",
      "message/rfc822": ".eml", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
      "image/webp": ".webp", "image/svg+xml": ".svg", "audio/mpeg": ".mp3", "video/mp4": ".mp4",
    ]
    let bareType = mimeType.split(separator: ";").first.map(String.init) ?? mimeType
    let key = bareType.trimmingWhitespace().lowercased()
    return known[key] ?? ".bin"
  }

  // MARK: Folders

  /// Returns the folder that save prompts start in: `$XDG_DOWNLOAD_DIR` when it names a
  /// folder, else `~/Downloads` when it exists, else `currentDirectory`.
  public static func defaultFolder(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) -> URL {
    var candidates: [String] = []
    if let downloads = environment["XDG_DOWNLOAD_DIR"], !downloads.isEmpty {
      candidates.append(downloads)
    }
    if let home = environment["HOME"], !home.isEmpty {
      candidates.append((home as NSString).appendingPathComponent("Downloads"))
    }
    for path in candidates where isDirectory(path) {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    return URL(fileURLWithPath: currentDirectory, isDirectory: true)
  }

  /// Returns whether `path` names an existing directory, following symbolic links.
  public static func isDirectory(_ path: String) -> Bool {
    var isFolder: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
      && isFolder.boolValue
  }

  // MARK: Writing

  /// Writes `data` into `folder` under `safeFileName(name, mimeType:)` and returns the URL of
  /// the new file.
  ///
  /// - Throws: `KithError` with `.notFound` when `folder` does not exist, and the errors of
  ///   `write(_:to:overwrite:)`.
  public static func save(
    _ data: Data, named name: String?, mimeType: String, into folder: URL, overwrite: Bool
  ) throws -> URL {
    guard isDirectory(folder.path) else {
      throw KithError(.notFound, "Folder \(folder.path) does not exist. Choose another folder.")
    }
    let file = folder.appendingPathComponent(safeFileName(name, mimeType: mimeType))
    return try write(data, to: file, overwrite: overwrite)
  }

  /// Writes `data` to exactly `file`, a path the user chose, and returns it.
  ///
  /// The bytes go to a temporary file in the same folder first, which then takes the final
  /// name in one step, so no reader ever sees a half-written file. Without `overwrite`, the
  /// final step is `link(2)`, which fails when the name exists, so a file that appears
  /// between the check and the write is not replaced either.
  /// - Throws: `KithError` with `.configuration` when `file` is a directory or already exists
  ///   and `overwrite` is false, `.notFound` when its folder is missing, and `.store` when
  ///   writing fails.
  public static func write(_ data: Data, to file: URL, overwrite: Bool) throws -> URL {
    let path = file.path
    guard !file.hasDirectoryPath, !isDirectory(path) else {
      throw KithError(.configuration, "\(path) is a folder. Type a file name after it.")
    }
    if !overwrite, fileExists(at: file) {
      throw existsError(path)
    }
    let folder = file.deletingLastPathComponent().path
    guard isDirectory(folder) else {
      throw KithError(.notFound, "Folder \(folder) does not exist. Choose another folder.")
    }

    let temporary = try writeTemporaryFile(data, in: folder)
    defer { unlink(temporary) }
    if overwrite {
      guard rename(temporary, path) == 0 else {
        throw writeError(path, errno: errno)
      }
    } else if link(temporary, path) != 0 {
      let code = errno
      guard code != EEXIST else { throw existsError(path) }
      guard hardLinksUnsupported(code) else { throw writeError(path, errno: code) }
      // NOTE: without hard links (FAT, exFAT, some network file systems) the check and the
      // rename are two steps, so a file created between them is replaced.
      guard !fileExists(at: file) else { throw existsError(path) }
      guard rename(temporary, path) == 0 else { throw writeError(path, errno: errno) }
    }
    return file
  }

  /// Returns whether `code`, an `errno` from `link(2)`, means the file system has no hard
  /// links rather than that this link failed.
  private static func hardLinksUnsupported(_ code: Int32) -> Bool {
    code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK || code == ENOSYS
  }

  /// Returns whether anything, even a dangling symbolic link, has the name `file`.
  public static func fileExists(at file: URL) -> Bool {
    var info = stat()
    return lstat(file.path, &info) == 0
  }

  /// Creates a new file in `folder`, writes and syncs `data`, and returns its path. The mode
  /// 0666 lets the process umask decide the permissions, as for any file a program creates.
  private static func writeTemporaryFile(_ data: Data, in folder: String) throws -> String {
    let path = (folder as NSString).appendingPathComponent(".kith-save-\(UUID().uuidString).part")
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else {
      throw writeError(folder, errno: errno)
    }
    var failure: Int32 = 0
    data.withUnsafeBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += written
      }
    }
    if failure == 0, fsync(descriptor) != 0 {
      failure = errno
    }
    close(descriptor)
    if failure != 0 {
      unlink(path)
      throw writeError(folder, errno: failure)
    }
    return path
  }

  private static func existsError(_ path: String) -> KithError {
    KithError(.configuration, "\(path) already exists. Choose another name or allow overwriting.")
  }

  private static func writeError(_ path: String, errno code: Int32) -> KithError {
    let reason = String(cString: strerror(code))
    return KithError(.store, "Failed to write \(path): \(reason).")
  }
}
