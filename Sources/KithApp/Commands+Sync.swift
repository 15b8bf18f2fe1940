import Foundation
import KithCore

extension CommandContext {
  /// Syncs every active account once; returns 1 when any account or folder failed.
  func sync() async throws -> Int32 {
    let config = try loadConfig()
    let active = config.accounts.filter(\.isActive)
    guard !active.isEmpty else {
      throw KithError(.configuration, "No active account to sync: add one with kith account add.")
    }
    let store = try self.store()
    var status: Int32 = 0
    for account in active {
      if let reason = account.pauseReason {
        KithMain.printError("kith: \(AccountPause.message(email: account.email, reason: reason))")
        status = 1
        continue
      }
      if try await !syncAccount(account, store: store, progress: SyncProgressPrinter(account: account.email)).isEmpty {
        status = 1
      }
    }
    return status
  }

  /// Runs one pass for `account` and returns the failures, already printed.
  private func syncAccount(
    _ account: AccountSettings, store: Store, progress: SyncProgressPrinter
  ) async throws -> [KithError] {
    guard let password = try credentials.secret(for: CredentialStore.imapKey(account.email)) else {
      let error = KithError(.configuration, "\(account.email): no password is stored; run kith account add again.")
      KithMain.printError("kith: \(error.message)")
      return [error]
    }
    let options = IMAPConnectionOptions(
      host: account.imapHost, port: account.imapPort,
      security: account.imapSecurity == .tls ? .tls : .starttls, login: account.login,
      password: password, caFile: account.caFile)
    let accountID = try store.accountID(forKey: account.email.lowercased())
    let syncer = AccountSyncer(
      account: accountID, options: options, store: store,
      configuration: SyncConfiguration(extraFolders: account.extraFolders),
      parse: { MessageParser.parseHeaders($0) })

    let summary: SyncSummary
    do {
      summary = try await syncer.syncOnce(onEvent: progress.handle)
    } catch let error as KithError {
      progress.finishLine()
      KithMain.printError("kith: \(account.email): \(error.message)")
      if error.code == .authentication {
        try AccountPause.record(AccountPause.passwordRejected, email: account.email, configFile: paths.configFile)
      }
      return [error]
    }
    progress.finishLine()
    let failures = summary.folders.compactMap(\.error)
    for result in summary.folders {
      let name = TerminalText.sanitize(result.folder)
      if let error = result.error {
        KithMain.printError("kith: \(account.email): \(name): \(error.message)")
      } else {
        print("\(account.email): \(name): \(Self.describe(result))")
      }
    }
    return failures
  }

  /// Summarizes one folder's pass, such as "3 new messages, 1 removed, 2 flag changes".
  static func describe(_ result: FolderSyncResult) -> String {
    var parts = ["\(result.fetchedCount) new messages"]
    if result.expungedCount > 0 { parts.append("\(result.expungedCount) removed") }
    if result.flagUpdateCount > 0 { parts.append("\(result.flagUpdateCount) flag changes") }
    if result.sentFlagChangeCount > 0 { parts.append("\(result.sentFlagChangeCount) sent to the server") }
    var text = parts.joined(separator: ", ")
    if result.wasReset { text += " (folder was reset: UIDVALIDITY changed)" }
    return text
  }
}

/// Prints sync progress: a bar redrawn in place on a terminal, plain lines otherwise.
final class SyncProgressPrinter: @unchecked Sendable {
  private let account: String
  private let isTerminal = isatty(STDOUT_FILENO) == 1
  private let lock = NSLock()
  private var lastLineLength = 0
  private var hasOpenLine = false

  init(account: String) {
    self.account = account
  }

  var handle: @Sendable (SyncEvent) -> Void {
    { [self] event in self.print(event) }
  }

  private func print(_ event: SyncEvent) {
    lock.lock()
    defer { lock.unlock() }
    switch event {
    case .connected(let server):
      emitLine("\(account): connected to \(server)")
    case .progress(let progress):
      emitProgress(progress)
    case .folderFailed(let folder, let error):
      emitLine("\(account): \(TerminalText.sanitize(folder)): failed: \(error.message)")
    default:
      break
    }
  }

  func finishLine() {
    lock.lock()
    defer { lock.unlock() }
    if hasOpenLine {
      Swift.print("")
      hasOpenLine = false
    }
  }

  private func emitProgress(_ progress: SyncProgress) {
    let folder = TerminalText.sanitize(progress.folder)
    let counts = "\(progress.messagesDone)/\(progress.messagesTotal) messages, \(Self.megabytes(progress.bytesDone)) of \(Self.megabytes(progress.bytesTotal))"
    guard isTerminal else {
      Swift.print("\(account): \(folder): \(counts)")
      return
    }
    let fraction = progress.messagesTotal == 0 ? 1 : Double(progress.messagesDone) / Double(progress.messagesTotal)
    let width = 24
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let line = "\(account): \(folder) [\(bar)] \(counts)"
    let padding = String(repeating: " ", count: max(0, lastLineLength - line.count))
    Swift.print("\r\(line)\(padding)", terminator: "")
    fflush(stdout)
    lastLineLength = line.count
    hasOpenLine = true
  }

  private func emitLine(_ line: String) {
    if hasOpenLine {
      Swift.print("")
      hasOpenLine = false
    }
    Swift.print(line)
  }

  static func megabytes(_ bytes: Int) -> String {
    String(format: "%.1f MB", Double(bytes) / 1_000_000)
  }
}
