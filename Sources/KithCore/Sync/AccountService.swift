import Foundation

/// Timing of an `AccountService`.
public struct LiveSyncConfiguration: Sendable {
  /// The longest IDLE before it is ended and sent again, in seconds. RFC 2177 advises at
  /// most 29 minutes, because servers may log out clients idle for 30.
  public var idleRenewal: TimeInterval
  /// Seconds between NOOPs on INBOX where the server has no IDLE.
  public var pollInterval: TimeInterval
  /// Seconds after a pass when the next one runs even though INBOX reported nothing, so that
  /// Sent and the extra folders, which nothing watches, stay current.
  public var passInterval: TimeInterval
  /// Delays between attempts after network errors.
  public var backoff: Backoff

  public init(
    idleRenewal: TimeInterval = 25 * 60, pollInterval: TimeInterval = 60,
    passInterval: TimeInterval = 15 * 60, backoff: Backoff = Backoff()
  ) {
    self.idleRenewal = idleRenewal
    self.pollInterval = pollInterval
    self.passInterval = passInterval
    self.backoff = backoff
  }
}

/// The live sync of one account while the UI runs: passes with an `AccountSyncer`, and a
/// second connection that waits on INBOX so that new mail starts a pass.
///
/// The UI sends requests (`start`, `syncNow`, `stop`) and reads `events`. Errors decide what
/// happens next: an authentication failure stops the service in `.needsReauthorization`,
/// network, TLS and server errors retry after `Backoff` delays, and any other error stops it
/// in `.paused`. A folder that fails with NO or BAD is reported and the pass goes on.
///
/// The pass connection is closed after each pass, so only the INBOX connection needs
/// keepalives: IDLE is sent again every `idleRenewal` seconds, and a poll is a NOOP.
public actor AccountService {
  public nonisolated let account: AccountID
  /// The account's name in status texts and logs, usually its email address.
  public nonisolated let name: String
  /// State changes and stored mail. The stream keeps the newest 100 events when no task
  /// reads it, and ends after `stop()`.
  public nonisolated let events: AsyncStream<AccountServiceEvent>

  /// The latest state that the service itself set; progress within a pass is only sent as
  /// events.
  public private(set) var state = AccountState.starting

  private let continuation: AsyncStream<AccountServiceEvent>.Continuation
  private let syncer: AccountSyncer
  private let watcher: LiveInboxWatcher
  private let configuration: LiveSyncConfiguration
  private var backoff: Backoff
  private var loopTask: Task<Void, Never>?
  private var isSyncRequested = false
  private let logger: Logger

  /// Creates the service; it connects only after `start()`.
  ///
  /// - Parameters:
  ///   - store: the store for passes, used from the syncer's queue only. Give each service
  ///     its own `Store` instance, because a `Store` is not thread-safe.
  /// - Throws: `KithError` with `.configuration` when the process is out of file descriptors.
  public init(
    account: AccountID, name: String, options: IMAPConnectionOptions, store: any SyncStore,
    syncConfiguration: SyncConfiguration = SyncConfiguration(),
    configuration: LiveSyncConfiguration = LiveSyncConfiguration(),
    parse: @escaping @Sendable (Data) -> ParsedMessage
  ) throws {
    self.account = account
    self.name = name
    self.configuration = configuration
    self.backoff = configuration.backoff
    var logger = Logger(label: "kith.live")
    logger.metadata["account"] = name
    self.logger = logger
    self.syncer = AccountSyncer(
      account: account, options: options, store: store, configuration: syncConfiguration,
      parse: parse)
    self.watcher = try LiveInboxWatcher(
      options: options, pollInterval: configuration.pollInterval, logger: logger)
    (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(100))
  }

  /// Starts the loop of passes and waits; a second call does nothing.
  public func start() {
    guard loopTask == nil else { return }
    logger.info("live sync started")
    loopTask = Task { await self.runLoop() }
  }

  /// Runs a pass as soon as the running one, if any, ends; also cuts a retry delay short.
  public func syncNow() {
    isSyncRequested = true
    watcher.wakeUp.wakeUp()
  }

  /// Cancels the running pass or wait, logs out and ends `events`.
  ///
  /// A pass stops after its current batch is stored, or at once when it waits for the
  /// server, connects or logs in.
  public func stop() async {
    if let loopTask {
      loopTask.cancel()
      watcher.interrupt()
      watcher.wakeUp.wakeUp()
      await loopTask.value
    }
    await watcher.close()
    setState(.stopped)
    logger.info("live sync stopped")
    continuation.finish()
  }

  // MARK: Loop

  private func runLoop() async {
    while !Task.isCancelled {
      do {
        try await watcher.prepare()
        try await runPass()
        if backoff.attempts > 0 {
          logger.info("live sync recovered", metadata: ["retry.attempts": "\(backoff.attempts)"])
          backoff.reset()
        }
        try await waitForWork()
      } catch is CancellationError {
        return
      } catch {
        if Task.isCancelled { return }
        let failure = (error as? KithError) ?? KithError(.store, "The live sync failed.", cause: "\(error)")
        guard await handle(failure) else { return }
      }
    }
  }

  private func runPass() async throws {
    setState(.syncing(folder: nil, done: 0, total: 0))
    let syncer = self.syncer
    let summary = try await withTaskCancellationHandler {
      try await runSyncOnce(syncer)
    } onCancel: {
      syncer.interruptPass()
    }
    if summary.fetchedCount > 0 {
      continuation.yield(.newMailStored(count: summary.fetchedCount))
    }
    continuation.yield(.passFinished(summary))
  }

  private func runSyncOnce(_ syncer: AccountSyncer) async throws -> SyncSummary {
    try await syncer.syncOnce(onEvent: { [continuation] event in
      switch event {
      case .folderStarted(let folder, _):
        continuation.yield(.stateChanged(.syncing(folder: folder, done: 0, total: 0)))
      case .progress(let progress):
        continuation.yield(
          .stateChanged(
            .syncing(folder: progress.folder, done: progress.messagesDone, total: progress.messagesTotal)))
      case .folderFailed(let folder, let error):
        continuation.yield(.folderFailed(folder: folder, error: error))
      default:
        break
      }
    })
  }

  /// Returns when a pass is due: INBOX changed, `syncNow()` was called, or `passInterval`
  /// passed. IDLE is ended and sent again every `idleRenewal` seconds meanwhile.
  private func waitForWork() async throws {
    let lastPass = Date()
    setState(.idle)
    while true {
      try Task.checkCancellation()
      if isSyncRequested {
        isSyncRequested = false
        return
      }
      let remaining = configuration.passInterval - Date().timeIntervalSince(lastPass)
      guard remaining > 0 else { return }
      let end = try await watcher.waitForChange(timeout: min(remaining, configuration.idleRenewal))
      if end == .changed {
        logger.debug("new mail reported")
        return
      }
    }
  }

  /// Logs `failure` and waits before the next attempt when retrying may help.
  ///
  /// - Returns: false when the loop has to end.
  private func handle(_ failure: KithError) async -> Bool {
    await watcher.close()
    switch failure.code {
    case .authentication:
      logger.error("live sync paused: password rejected", metadata: ["error": failure.description])
      setState(.needsReauthorization(reason: "password rejected"))
      return false
    case .network, .tls, .serverResponse:
      let delay = backoff.nextDelay()
      logger.warning(
        "live sync failed, retrying",
        metadata: [
          "error.code": failure.code.rawValue, "error": failure.description,
          "retry.seconds": String(format: "%.1f", delay), "retry.attempt": "\(backoff.attempts)",
        ])
      return await waitBeforeRetry(seconds: delay, reason: failure.message)
    default:
      logger.error(
        "live sync paused", metadata: ["error.code": failure.code.rawValue, "error": failure.description])
      setState(.paused(reason: failure.message))
      return false
    }
  }

  /// Counts down `seconds` in the state, ending early on `syncNow()`.
  ///
  /// - Returns: false when the task was cancelled.
  private func waitBeforeRetry(seconds: TimeInterval, reason: String) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    var shownSeconds = -1
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { return true }
      if isSyncRequested {
        isSyncRequested = false
        return true
      }
      let wholeSeconds = Int(remaining.rounded(.up))
      if wholeSeconds != shownSeconds {
        shownSeconds = wholeSeconds
        setState(.offline(retryingIn: wholeSeconds, reason: reason))
      }
      do {
        try await Task.sleep(nanoseconds: UInt64(min(remaining, 0.25) * 1_000_000_000))
      } catch {
        return false
      }
    }
  }

  private func setState(_ newState: AccountState) {
    state = newState
    continuation.yield(.stateChanged(newState))
  }
}
