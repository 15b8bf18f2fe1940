import Foundation

/// An error with a code that decides behaviour and a one-line message for the status line.
public struct KithError: Error, CustomStringConvertible, Sendable {
  /// The kind of failure; callers decide on retries and pauses from it.
  public enum Code: String, Sendable {
    /// The server rejected the credentials; the account needs reauthorization.
    case authentication
    /// The connection failed, dropped or timed out; retrying may help.
    case network
    /// The TLS handshake or certificate check failed.
    case tls
    /// The server sent a response Kith cannot parse, or returned NO or BAD.
    case serverResponse
    /// The local store failed (SQLite error, full disk, corrupt file).
    case store
    /// A setting or a command-line value is invalid or missing.
    case configuration
    /// The requested record or file does not exist.
    case notFound
    /// Input data (a message, a vCard file) is malformed.
    case invalidInput
  }

  public let code: Code
  public let message: String
  public let cause: String?

  public init(_ code: Code, _ message: String, cause: String? = nil) {
    self.code = code
    self.message = message
    self.cause = cause
  }

  public var description: String {
    if let cause { return "\(message) (\(cause))" }
    return message
  }

  /// Whether retrying the same operation later may succeed.
  public var isRetryable: Bool {
    code == .network
  }
}
