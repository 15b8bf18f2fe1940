import KithCore

/// Options accepted by every command.
public struct GlobalOptions: Equatable, Sendable {
  public var storePath: String?
  public var configPath: String?
  public var isVerbose = false

  public init() {}
}

/// Values of `kith account add`.
public struct AccountAddOptions: Equatable, Sendable {
  public var email: String?
  public var login: String?
  public var imapHost: String?
  public var imapPort: Int?
  public var imapSecurity: ConnectionSecurity = .tls
  public var smtpHost: String?
  public var smtpPort: Int?
  public var smtpSecurity: ConnectionSecurity = .starttls
  public var caFile: String?
  public var readsPasswordFromStandardInput = false
  public var sharing: SharingPermission = .private

  public init() {}
}

/// A command parsed from the command line, with its values.
public enum ParsedCommand: Equatable, Sendable {
  case browse
  case sync
  case accountAdd(AccountAddOptions)
  case accountList
  /// `kith account folder add EMAIL FOLDER`: sync FOLDER too.
  case accountFolderAdd(email: String, folder: String)
  /// `kith audit [--repair]`.
  case audit(repair: Bool)
  case contactsImport(path: String)
  case showFile(path: String)
  case showStored(id: Int64)
  case help(String)
  case version
}
