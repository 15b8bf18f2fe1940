import Foundation
import KithCore

extension CommandContext {
  /// Audits every active account. With `repair`, it also repairs the differences and audits
  /// again.
  ///
  /// - Returns: 0 when every folder matches the server (after the repair, with `repair`),
  ///   else 1.
  func audit(repair: Bool) throws -> Int32 {
    let config = try loadConfig()
    let active = config.accounts.filter(\.isActive)
    guard !active.isEmpty else {
      throw KithError(.configuration, "No active account to audit: add one with kith account add.")
    }
    let store = try self.store()
    var isClean = true
    for account in active {
      do {
        if try !audit(account, store: store, repair: repair) { isClean = false }
      } catch let error as KithError {
        KithMain.printError("kith: \(account.email): \(error.message)")
        isClean = false
      }
    }
    return isClean ? 0 : 1
  }

  /// Audits one account and returns whether it is clean.
  private func audit(_ account: AccountSettings, store: Store, repair: Bool) throws -> Bool {
    guard let password = try credentials.secret(for: CredentialStore.imapKey(account.email)) else {
      throw KithError(.configuration, "No password is stored for this account. Run kith account add again.")
    }
    let options = IMAPConnectionOptions(
      host: account.imapHost, port: account.imapPort,
      security: account.imapSecurity == .tls ? .tls : .starttls, login: account.login,
      password: password, caFile: account.caFile)
    let accountID = try store.accountID(forKey: account.email.lowercased())
    let auditor = MailboxAuditor(account: accountID, options: options, store: store)

    let report = try auditor.audit()
    printAudit(report, email: account.email)
    guard repair, !report.isClean else { return report.isClean }

    let summary = try auditor.repair(report)
    print(
      "\(account.email): repaired: \(summary.fetchedCount) fetched, \(summary.removedCount) removed"
        + (summary.replacedCount > 0 ? ", \(summary.replacedCount) damaged copies replaced" : ""))
    let after = try auditor.audit()
    print("\(account.email): audit after repair:")
    printAudit(after, email: account.email)
    return after.isClean
  }

  /// Prints one tab-separated line per finding (account, folder, UID, missing, extra or
  /// damaged, reason, subject), then a count line per folder.
  private func printAudit(_ report: AuditReport, email: String) {
    for folder in report.folders {
      let name = TerminalText.sanitize(folder.folder)
      if let error = folder.error {
        KithMain.printError("kith: \(email): \(name): \(error.message)")
        continue
      }
      for finding in folder.findings {
        let subject = finding.subject.map { TerminalText.sanitize($0) } ?? "-"
        print("\(email)\t\(name)\t\(finding.uid)\t\(finding.kind.rawValue)\t\(finding.reason.rawValue)\t\(subject)")
      }
      let missing = folder.findings.filter { $0.kind == .missing }.count
      let extra = folder.findings.filter { $0.kind == .extra }.count
      let damaged = folder.findings.filter { $0.kind == .damaged }.count
      if folder.isClean {
        print("\(email): \(name): clean, \(folder.serverUIDs.count) messages")
      } else if damaged > 0 {
        print("\(email): \(name): \(missing) missing, \(extra) extra, \(damaged) damaged")
      } else {
        print("\(email): \(name): \(missing) missing, \(extra) extra")
      }
    }
  }

  /// Adds `folder` to the extra folders of the account `email` in the config file.
  func addFolder(email: String, folder: String) throws -> Int32 {
    var config = try loadConfig()
    guard var account = config.accounts.first(where: { $0.email.lowercased() == email.lowercased() }) else {
      throw KithError(.notFound, "No account \(email): list the accounts with kith account list.")
    }
    guard !account.extraFolders.contains(folder) else {
      print("\(account.email): folder \(TerminalText.sanitize(folder)) is already synced.")
      return 0
    }
    account.extraFolders.append(folder)
    config.upsert(account)
    try config.save(to: paths.configFile)
    print("\(account.email): folder \(TerminalText.sanitize(folder)) added; kith sync fetches it after Inbox and Sent.")
    return 0
  }
}
