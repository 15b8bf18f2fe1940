import Foundation

/// The activity of an `AccountService`, for the status line.
public enum AccountState: Sendable, Equatable {
  /// Connecting for the first pass.
  case starting
  /// A pass is running. `folder` is nil until the first folder starts, and `done`/`total`
  /// count the folder's messages to fetch.
  case syncing(folder: String?, done: Int, total: Int)
  /// Waiting for new mail in IDLE, or polling where the server has no IDLE.
  case idle
  /// The last attempt failed with a network error, and the next one starts in
  /// `retryingIn` seconds.
  case offline(retryingIn: Int, reason: String)
  /// The server rejected the password; nothing runs until the user adds it again.
  case needsReauthorization(reason: String)
  /// Paused by a stored `pauseReason` or by an error that retrying cannot fix.
  case paused(reason: String)
  /// `stop()` ended the service.
  case stopped

  /// Returns the status-line text for `account`, such as
  /// "ann@example.test: syncing INBOX 120/203".
  public func statusText(account: String) -> String {
    switch self {
    case .starting:
      return "\(account): connecting"
    case .syncing(let folder?, let done, let total):
      return "\(account): syncing \(folder) \(done)/\(total)"
    case .syncing(nil, _, _):
      return "\(account): syncing"
    case .idle:
      return "\(account): up to date"
    case .offline(let seconds, _):
      return "\(account): offline, retrying in \(seconds) s"
    case .needsReauthorization(let reason):
      return "\(account): needs reauthorization: \(reason)"
    case .paused(let reason):
      return "\(account): paused: \(reason)"
    case .stopped:
      return "\(account): stopped"
    }
  }
}

/// A change reported by an `AccountService`.
public enum AccountServiceEvent: Sendable {
  case stateChanged(AccountState)
  /// A pass stored `count` new messages; views of the store should reload.
  case newMailStored(count: Int)
  /// A pass ended without a pass-level error. It may have changed flags or removed
  /// messages without storing new ones, so views of the store should reload too.
  case passFinished(SyncSummary)
  /// The server rejected a command on one folder with NO or BAD, and the other folders
  /// went on.
  case folderFailed(folder: String, error: KithError)
}
