import Foundation

/// The config file's content: the current CRM user, the theme and the mail accounts.
public struct KithConfig: Codable, Sendable {
  public var currentUser: String?
  public var theme: String?
  public var accounts: [AccountSettings]

  public init(currentUser: String? = nil, theme: String? = nil, accounts: [AccountSettings] = []) {
    self.currentUser = currentUser
    self.theme = theme
    self.accounts = accounts
  }

  /// Reads the config at `url`; a missing file gives an empty config.
  ///
  /// - Throws: `KithError(.configuration)` naming the file and the invalid key path when the
  ///   file is not valid JSON or does not match the expected shape.
  public static func load(from url: URL) throws -> KithConfig {
    guard FileManager.default.fileExists(atPath: url.path) else { return KithConfig() }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw KithError(
        .configuration, "Reading config file \(url.path) failed: check that it is a readable file.",
        cause: "\(error)")
    }
    do {
      return try JSONDecoder().decode(KithConfig.self, from: data)
    } catch {
      let problem = JSONFileProblem.describe(error, mayQuoteValues: true)
      throw KithError(
        .configuration,
        "Config file \(url.path) is invalid: \(problem). Fix it, or move it away to start with no accounts.",
        cause: "\(error)")
    }
  }

  /// Writes the config to `url` atomically, creating its folder.
  public func save(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try encoder.encode(self).write(to: url, options: .atomic)
    } catch {
      throw KithError(
        .configuration, "Writing config file \(url.path) failed.", cause: "\(error)")
    }
  }

  /// Adds `account`, replacing an account with the same email address.
  public mutating func upsert(_ account: AccountSettings) {
    if let index = accounts.firstIndex(where: { $0.email.lowercased() == account.email.lowercased() }) {
      accounts[index] = account
    } else {
      accounts.append(account)
    }
  }
}
