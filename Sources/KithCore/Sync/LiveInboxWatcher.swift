import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The second connection of an account, which waits on INBOX for new mail while the pass
/// connection of `AccountSyncer` is closed.
///
/// The actor runs on its own dispatch queue because IDLE blocks in `poll()`. Another task
/// ends a wait early through `wakeUp`.
actor LiveInboxWatcher {
  /// Ends the current or next `waitForChange` with `.wokenUp`; callable from any thread.
  nonisolated let wakeUp: IMAPWakeUp
  /// Ends a connect, login or command on this watcher's connections for good, when the
  /// service stops; see `interrupt()`.
  private nonisolated let interruption: IMAPInterruption

  private let options: IMAPConnectionOptions
  private let pollInterval: TimeInterval
  private let executor: BlockingIOExecutor
  private var client: IMAPClient?
  private let logger: Logger

  nonisolated var unownedExecutor: UnownedSerialExecutor {
    executor.asUnownedSerialExecutor()
  }

  /// - Parameter pollInterval: seconds between NOOPs where the server lacks IDLE.
  init(options: IMAPConnectionOptions, pollInterval: TimeInterval, logger: Logger) throws {
    self.options = options
    self.pollInterval = pollInterval
    self.wakeUp = try IMAPWakeUp()
    self.interruption = try IMAPInterruption()
    self.executor = BlockingIOExecutor(label: "kith.live.watcher-\(options.login)")
    self.logger = logger
  }

  /// Connects and opens INBOX read-only unless already done.
  ///
  /// Call it before a pass. A server reports mail that arrives during the pass with its
  /// response to the next IDLE or NOOP on this connection (RFC 3501, section 5.2), so none
  /// is missed between the pass and the wait.
  /// - Throws: `KithError` from `IMAPClient.init(options:)` or `examine(_:)`.
  func prepare() throws {
    _ = try connectedClient()
  }

  /// Waits up to `timeout` seconds for INBOX to change.
  ///
  /// Uses IDLE when the server has it and NOOP every `pollInterval` seconds otherwise. A
  /// failed wait closes the connection, so the next call connects again.
  /// - Throws: `KithError`, usually `.network`, when the connection fails.
  func waitForChange(timeout: TimeInterval) throws -> IMAPIdleEnd {
    do {
      let client = try connectedClient()
      if client.takeUnsolicitedResponses().contains(where: IMAPClient.isMailboxChange) {
        return .changed
      }
      if try client.supports("IDLE") {
        return try client.idle(timeout: timeout, wakeUp: wakeUp).end
      }
      return try poll(client, timeout: timeout)
    } catch {
      close()
      throw error
    }
  }

  /// Makes a connect or command in progress, and every later one, throw
  /// `CancellationError` at once; callable from any thread. Only for a watcher that is
  /// being stopped, because it cannot connect again afterwards.
  nonisolated func interrupt() {
    interruption.interrupt()
  }

  /// Logs out and closes the connection.
  func close() {
    client?.logout()
    client = nil
  }

  private func connectedClient() throws -> IMAPClient {
    if let client, !client.connection.isClosed { return client }
    client = nil
    let newClient = try IMAPClient(options: options, interruption: interruption)
    let inbox = FolderSelection.findInbox(in: try newClient.listMailboxes())
    _ = try newClient.examine(inbox)
    logger.debug("watching folder", metadata: ["imap.mailbox": inbox, "imap.idle": "\(try newClient.supports("IDLE"))"])
    client = newClient
    return newClient
  }

  /// Sends NOOP every `pollInterval` seconds until the server reports a change, `timeout`
  /// passes or `wakeUp` fires.
  private func poll(_ client: IMAPClient, timeout: TimeInterval) throws -> IMAPIdleEnd {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      try client.execute("NOOP") { _ in false }
      if client.takeUnsolicitedResponses().contains(where: IMAPClient.isMailboxChange) {
        return .changed
      }
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { return .timedOut }
      let wait = try client.connection.waitUntilReadable(
        timeout: min(pollInterval, remaining), wakeUpDescriptor: wakeUp.readDescriptor)
      if case .wokenUp = wait {
        wakeUp.drain()
        return .wokenUp
      }
    }
  }
}
