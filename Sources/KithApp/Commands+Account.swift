import Foundation
import KithCore

extension CommandContext {
  func addAccount(_ options: AccountAddOptions) throws -> Int32 {
    guard let email = options.email else {
      throw KithError(.configuration, "--email is missing: give the account's email address.")
    }
    guard let imapHost = options.imapHost else {
      throw KithError(.configuration, "--imap-host is missing: give the IMAP server's host name.")
    }
    guard let smtpHost = options.smtpHost else {
      throw KithError(.configuration, "--smtp-host is missing: give the SMTP server's host name.")
    }
    var account = AccountSettings(
      email: email, login: options.login ?? email, imapHost: imapHost,
      imapPort: options.imapPort ?? (options.imapSecurity == .tls ? 993 : 143),
      imapSecurity: options.imapSecurity, smtpHost: smtpHost,
      smtpPort: options.smtpPort ?? (options.smtpSecurity == .tls ? 465 : 587),
      smtpSecurity: options.smtpSecurity,
      caFile: options.caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      sharing: options.sharing)
    let problems = account.validationProblems()
    guard problems.isEmpty else {
      throw KithError(.configuration, problems.joined(separator: " "))
    }

    let password = try readPassword(fromStandardInput: options.readsPasswordFromStandardInput)
    var config = try loadConfig()
    // Adding an account again is how a user updates its servers and password. The folders the
    // user added stay. A pause for a rejected password ends, because a new password was given.
    if let existing = config.accounts.first(where: { $0.email.lowercased() == email.lowercased() }) {
      account.extraFolders = existing.extraFolders
    }
    config.upsert(account)
    try credentials.setSecret(password, for: CredentialStore.imapKey(email))
    try config.save(to: paths.configFile)
    _ = try store().accountID(forKey: email.lowercased())

    print("Added account \(email): IMAP \(imapHost):\(account.imapPort) (\(account.imapSecurity.rawValue)), SMTP \(smtpHost):\(account.smtpPort) (\(account.smtpSecurity.rawValue)).")
    return 0
  }

  func listAccounts() throws -> Int32 {
    let config = try loadConfig()
    if config.accounts.isEmpty {
      print("No accounts. Add one with kith account add.")
      return 0
    }
    for account in config.accounts {
      let state: String
      if let reason = account.pauseReason {
        state = "paused: \(reason)"
      } else {
        state = account.isActive ? "active" : "paused"
      }
      print("\(account.email)\t\(account.login)\tIMAP \(account.imapHost):\(account.imapPort) \(account.imapSecurity.rawValue)\tSMTP \(account.smtpHost):\(account.smtpPort) \(account.smtpSecurity.rawValue)\t\(account.sharing.rawValue)\t\(state)")
    }
    return 0
  }

  private func readPassword(fromStandardInput: Bool) throws -> String {
    if fromStandardInput {
      guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw KithError(.configuration, "No password on standard input: --password-stdin reads its first line.")
      }
      return line
    }
    guard isatty(STDIN_FILENO) == 1, let typed = getpass("Password: ") else {
      throw KithError(.configuration, "The password is missing: type it at a terminal or pass --password-stdin.")
    }
    let password = String(cString: typed)
    guard !password.isEmpty else {
      throw KithError(.configuration, "The password is empty.")
    }
    return password
  }
}
