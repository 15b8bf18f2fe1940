import Foundation
import KithCore

/// Status texts and reload requests that background sync tasks hand to the browser.
///
/// Thread safety: every method may be called from any thread.
public final class LiveUpdates: @unchecked Sendable {
  private let lock = NSLock()
  private var accountOrder: [String] = []
  private var statusByAccount: [String: String] = [:]
  private var isReloadPending = false

  public init() {}

  /// Sets the status text shown for `account`, replacing its previous one.
  public func setStatus(_ text: String, for account: String) {
    lock.withLock {
      if statusByAccount[account] == nil {
        accountOrder.append(account)
      }
      statusByAccount[account] = text
    }
  }

  /// The status text of every account, in the order they were first set.
  public var statusText: String {
    lock.withLock {
      accountOrder.compactMap { statusByAccount[$0] }.joined(separator: " | ")
    }
  }

  /// Asks the browser to reload its data at its next input timeout or key press.
  public func requestReload() {
    lock.withLock { isReloadPending = true }
  }

  /// Returns whether a reload was requested since the last call, and clears the request.
  func takeReloadRequest() -> Bool {
    lock.withLock {
      defer { isReloadPending = false }
      return isReloadPending
    }
  }
}

/// A screen that reloads the app's data between input reads after `LiveUpdates` receives a
/// reload request.
///
/// `BrowserApp.run()` reads input with a one-second timeout and redraws after each event, so
/// a reload shows within about a second, on the app's own thread, which is the only thread
/// that may use the app's store.
final class LiveUpdatingScreen: Screen {
  private let base: Screen
  private let updates: LiveUpdates
  weak var app: BrowserApp?

  init(base: Screen, updates: LiveUpdates) {
    self.base = base
    self.updates = updates
  }

  var size: ScreenSize { base.size }

  func clear() { base.clear() }

  func draw(_ text: String, row: Int, column: Int, style: StyleRole) {
    base.draw(text, row: row, column: column, style: style)
  }

  func refresh() { base.refresh() }

  func repaintAll() { base.repaintAll() }

  func readEvent(timeoutMilliseconds: Int) -> InputEvent {
    let event = base.readEvent(timeoutMilliseconds: timeoutMilliseconds)
    if updates.takeReloadRequest() {
      app?.reloadData()
    }
    return event
  }
}
