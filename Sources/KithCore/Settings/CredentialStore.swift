import Foundation

/// Passwords kept outside the database, in a JSON file only the user can read (mode 0600).
///
/// Keys are `imap:EMAIL` and `smtp:EMAIL`. The file is rewritten atomically on each change,
/// and its mode is set before any secret is written to it.
public struct CredentialStore: Sendable {
  public let url: URL

  public init(url: URL) {
    self.url = url
  }

  public static func imapKey(_ email: String) -> String { "imap:\(email.lowercased())" }
  public static func smtpKey(_ email: String) -> String { "smtp:\(email.lowercased())" }

  /// Returns the secret stored under `key`, or nil.
  ///
  /// - Throws: `KithError(.configuration)` when the file is readable by others or invalid.
  public func secret(for key: String) throws -> String? {
    try readAll()[key]
  }

  /// Stores `secret` under `key`.
  public func setSecret(_ secret: String, for key: String) throws {
    var all = try readAll()
    all[key] = secret
    try writeAll(all)
  }

  private func readAll() throws -> [String: String] {
    let manager = FileManager.default
    guard manager.fileExists(atPath: url.path) else { return [:] }
    let attributes = try? manager.attributesOfItem(atPath: url.path)
    if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
      throw KithError(
        .configuration,
        "Credential file \(url.path) is readable by other users: run chmod 600 on it.")
    }
    do {
      return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    } catch {
      // The file contains passwords, so neither the message nor the log quotes its content.
      let problem = JSONFileProblem.describe(error, mayQuoteValues: false)
      throw KithError(
        .configuration,
        "Credential file \(url.path) is invalid: \(problem). Fix it, or move it away and run kith account add again.")
    }
  }

  private func writeAll(_ all: [String: String]) throws {
    let manager = FileManager.default
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".credentials.\(getpid()).tmp")
    do {
      try manager.createDirectory(at: folder, withIntermediateDirectories: true)
      let data = try JSONEncoder().encode(all)
      guard manager.createFile(
        atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600])
      else {
        throw KithError(.configuration, "Creating \(temporary.path) failed.")
      }
      try data.write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        throw KithError(.configuration, "Replacing \(url.path) failed: errno \(errno).")
      }
    } catch let error as KithError {
      try? manager.removeItem(at: temporary)
      throw error
    } catch {
      try? manager.removeItem(at: temporary)
      throw KithError(.configuration, "Writing credential file \(url.path) failed.", cause: "\(error)")
    }
  }
}
