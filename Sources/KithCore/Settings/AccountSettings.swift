import Foundation

/// The security of a connection: TLS from the first byte, or STARTTLS after a plain greeting.
///
/// Kith has no plain-text mode: both choices end in a verified TLS session.
public enum ConnectionSecurity: String, Codable, Sendable, CaseIterable {
  case tls
  case starttls
}

/// The sharing permission of an account's conversations in a shared store.
public enum SharingPermission: String, Codable, Sendable, CaseIterable {
  /// Only the account's owner.
  case `private`
  /// Every CRM user of the store.
  case `public`
}

/// One mail account as kept in the config file. Passwords live in the credential file.
public struct AccountSettings: Codable, Hashable, Sendable {
  public var email: String
  /// The IMAP and SMTP login: a user name or the email address.
  public var login: String
  public var imapHost: String
  public var imapPort: Int
  public var imapSecurity: ConnectionSecurity
  public var smtpHost: String
  public var smtpPort: Int
  public var smtpSecurity: ConnectionSecurity
  /// A PEM file of CA certificates to trust instead of the system's, or nil for the system's.
  public var caFile: String?
  public var sharing: SharingPermission
  public var storeSentOnServer: Bool
  /// When false, SMTP logs in as `smtpLogin` with its own password.
  public var smtpUsesIMAPCredentials: Bool
  public var smtpLogin: String?
  /// The CRM user who owns the account.
  public var owner: String?
  public var isActive: Bool
  /// The reason sync skips this account until the user acts, such as a rejected password,
  /// or nil when it syncs. A config file without the key decodes as nil, and
  /// `kith account add` writes the account again without it.
  public var pauseReason: String?
  /// Folders synced after Inbox and Sent, as the user typed their names (see
  /// `SyncConfiguration.extraFolders`).
  public var extraFolders: [String] = []

  public init(
    email: String, login: String, imapHost: String, imapPort: Int,
    imapSecurity: ConnectionSecurity, smtpHost: String, smtpPort: Int,
    smtpSecurity: ConnectionSecurity, caFile: String? = nil,
    sharing: SharingPermission = .private, storeSentOnServer: Bool = true,
    smtpUsesIMAPCredentials: Bool = true, smtpLogin: String? = nil, owner: String? = nil,
    isActive: Bool = true, pauseReason: String? = nil
  ) {
    self.email = email
    self.login = login
    self.imapHost = imapHost
    self.imapPort = imapPort
    self.imapSecurity = imapSecurity
    self.smtpHost = smtpHost
    self.smtpPort = smtpPort
    self.smtpSecurity = smtpSecurity
    self.caFile = caFile
    self.sharing = sharing
    self.storeSentOnServer = storeSentOnServer
    self.smtpUsesIMAPCredentials = smtpUsesIMAPCredentials
    self.smtpLogin = smtpLogin
    self.owner = owner
    self.isActive = isActive
    self.pauseReason = pauseReason
  }

  private enum CodingKeys: String, CodingKey {
    case email, login, imapHost, imapPort, imapSecurity, smtpHost, smtpPort, smtpSecurity
    case caFile, sharing, storeSentOnServer, smtpUsesIMAPCredentials, smtpLogin, owner
    case isActive, pauseReason, extraFolders
  }

  /// Decodes an account. `pauseReason` and `extraFolders` are optional and an invalid value is
  /// read as none, so that config files written before those fields existed still load.
  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    email = try container.decode(String.self, forKey: .email)
    login = try container.decode(String.self, forKey: .login)
    imapHost = try container.decode(String.self, forKey: .imapHost)
    imapPort = try container.decode(Int.self, forKey: .imapPort)
    imapSecurity = try container.decode(ConnectionSecurity.self, forKey: .imapSecurity)
    smtpHost = try container.decode(String.self, forKey: .smtpHost)
    smtpPort = try container.decode(Int.self, forKey: .smtpPort)
    smtpSecurity = try container.decode(ConnectionSecurity.self, forKey: .smtpSecurity)
    caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
    sharing = try container.decode(SharingPermission.self, forKey: .sharing)
    storeSentOnServer = try container.decode(Bool.self, forKey: .storeSentOnServer)
    smtpUsesIMAPCredentials = try container.decode(Bool.self, forKey: .smtpUsesIMAPCredentials)
    smtpLogin = try container.decodeIfPresent(String.self, forKey: .smtpLogin)
    owner = try container.decodeIfPresent(String.self, forKey: .owner)
    isActive = try container.decode(Bool.self, forKey: .isActive)
    pauseReason = try? container.decodeIfPresent(String.self, forKey: .pauseReason)
    extraFolders = (try? container.decodeIfPresent([String].self, forKey: .extraFolders)) ?? []
  }

  /// Checks every field and returns the problems, one plain sentence each; empty when valid.
  public func validationProblems(fileExists: (String) -> Bool = {
    FileManager.default.fileExists(atPath: $0)
  }) -> [String] {
    var problems: [String] = []
    if !Self.isPlausibleEmail(email) {
      problems.append("Email address \"\(email)\" is invalid: expected name@domain.")
    }
    if login.trimmingWhitespace().isEmpty {
      problems.append("Login is missing: give a user name or the email address.")
    }
    for (label, host) in [("IMAP", imapHost), ("SMTP", smtpHost)] where !Self.isPlausibleHost(host) {
      problems.append("\(label) host \"\(host)\" is invalid: expected a host name or IP address.")
    }
    for (label, port) in [("IMAP", imapPort), ("SMTP", smtpPort)] where !(1...65535).contains(port) {
      problems.append("\(label) port \(port) is invalid: expected a number from 1 to 65535.")
    }
    if let caFile, !fileExists(caFile) {
      problems.append("CA file \(caFile) was not found.")
    }
    if !smtpUsesIMAPCredentials, (smtpLogin ?? "").isEmpty {
      problems.append("SMTP login is missing: separate outgoing credentials need a user name.")
    }
    return problems
  }

  static func isPlausibleEmail(_ value: String) -> Bool {
    guard let at = value.lastIndex(of: "@") else { return false }
    let local = value[..<at]
    let domain = value[value.index(after: at)...]
    return !local.isEmpty && !domain.isEmpty && !value.contains(where: { $0.isWhitespace })
  }

  static func isPlausibleHost(_ value: String) -> Bool {
    !value.isEmpty && value.count <= 253
      && value.allSatisfy { $0.isLetter || $0.isNumber || "-.:[]".contains($0) }
  }
}
