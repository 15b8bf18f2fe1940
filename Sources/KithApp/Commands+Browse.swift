import Foundation
import KithCore
import KithUI

extension CommandContext {
  /// Opens the browser while one `AccountService` per active account syncs in the background.
  func browse() async throws -> Int32 {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      throw KithError(.configuration, "The browser needs a terminal: run kith from an interactive shell, or use kith sync and kith show in scripts.")
    }
    let config = try loadConfig()
    let store = try self.store()
    let live = LiveUpdates()
    if config.accounts.isEmpty {
      live.setStatus("No account: add one with kith account add", for: "")
    }

    var services: [AccountService] = []
    for account in config.accounts {
      if let service = try makeService(for: account, live: live) {
        services.append(service)
      }
    }
    let configFile = paths.configFile
    let listeners = services.map { service in
      Task.detached { await Self.forward(service.events, of: service.name, to: live, configFile: configFile) }
    }
    for service in services {
      await service.start()
    }

    let themeName = config.theme
    let running = services
    let data = SyncingBrowsing(store: store) {
      Task { for service in running { await service.syncNow() } }
    }
    let result = await Self.runOnOwnThread { try runBrowser(data: data, themeName: themeName, live: live) }

    for service in services {
      await service.stop()
    }
    for listener in listeners {
      await listener.value
    }
    try result.get()
    return 0
  }

  /// Creates the live service of `account`, or sets its status and returns nil when it
  /// cannot sync: inactive, paused or without a stored password.
  private func makeService(for account: AccountSettings, live: LiveUpdates) throws -> AccountService? {
    let email = account.email
    guard account.isActive else {
      live.setStatus("\(email): inactive", for: email)
      return nil
    }
    if let reason = account.pauseReason {
      live.setStatus("\(email): \(reason)", for: email)
      return nil
    }
    guard let password = try credentials.secret(for: CredentialStore.imapKey(email)) else {
      live.setStatus("\(email): no password stored; run kith account add again", for: email)
      return nil
    }
    let options = IMAPConnectionOptions(
      host: account.imapHost, port: account.imapPort,
      security: account.imapSecurity == .tls ? .tls : .starttls, login: account.login,
      password: password, caFile: account.caFile)
    let accountID = try store().accountID(forKey: email.lowercased())
    // The service writes from its own queue, and a Store is not thread-safe, so it gets a
    // connection of its own to the same file.
    let serviceStore = try Store(path: paths.storeFile.path)
    live.setStatus(AccountState.starting.statusText(account: email), for: email)
    return try AccountService(
      account: accountID, name: email, options: options, store: serviceStore,
      syncConfiguration: SyncConfiguration(extraFolders: account.extraFolders),
      parse: { MessageParser.parseHeaders($0) })
  }

  /// Shows `events` in the status line, reloads on new mail, and stores the pause reason
  /// when the password is rejected.
  private static func forward(
    _ events: AsyncStream<AccountServiceEvent>, of email: String, to live: LiveUpdates, configFile: URL
  ) async {
    let logger = Logger(label: "kith.browse")
    for await event in events {
      switch event {
      case .stateChanged(let state):
        live.setStatus(state.statusText(account: email), for: email)
        if case .needsReauthorization = state {
          do {
            try AccountPause.record(AccountPause.passwordRejected, email: email, configFile: configFile)
          } catch {
            logger.error("storing the pause reason failed", metadata: ["account": email, "error": "\(error)"])
          }
        }
      case .newMailStored, .passFinished:
        live.requestReload()
      case .folderFailed(let folder, let error):
        live.setStatus("\(email): \(folder) failed: \(error.message)", for: email)
      }
    }
  }

  /// Runs `body` on a new thread and waits for it without holding a cooperative thread,
  /// because the browser blocks its thread until the user quits.
  private static func runOnOwnThread(_ body: @escaping @Sendable () throws -> Void) async -> Result<Void, Error> {
    await withCheckedContinuation { continuation in
      let thread = Thread {
        continuation.resume(returning: Result { try body() })
      }
      thread.name = "kith.browser"
      thread.start()
    }
  }
}
