import Foundation

/// How to reach and log in to one IMAP server.
public struct IMAPConnectionOptions: Sendable, CustomStringConvertible {
  public enum Security: String, Sendable {
    /// Implicit TLS from the first byte (`imaps`, usually port 993).
    case tls
    /// Plain connection upgraded with STARTTLS before login (usually port 143). The upgrade
    /// is required: the login fails instead of going on unencrypted.
    case starttls
  }

  public var host: String
  public var port: Int
  public var security: Security
  public var login: String
  public var password: String
  /// A PEM file of CA certificates to verify the server with, instead of the system store.
  /// Certificate verification is never switched off.
  public var caFile: String?
  /// The connect timeout, and the maximum wait for the next bytes from the server, in seconds.
  public var timeout: TimeInterval
  /// Whether to log the IMAP commands sent and the responses received at `trace` level.
  /// Message bodies and the password are never logged.
  public var wireTrace: Bool

  public init(
    host: String, port: Int, security: Security, login: String, password: String,
    caFile: String? = nil, timeout: TimeInterval = 30, wireTrace: Bool = false
  ) {
    self.host = host
    self.port = port
    self.security = security
    self.login = login
    self.password = password
    self.caFile = caFile
    self.timeout = timeout
    self.wireTrace = wireTrace
  }

  /// A summary for logs, without the password.
  public var description: String {
    "\(security == .tls ? "imaps" : "imap+starttls")://\(login)@\(host):\(port)"
  }

  /// Builds the URL libcurl connects to, after checking the host and port.
  ///
  /// - Throws: `KithError` with `.configuration` when the host or port is invalid.
  func makeURL() throws -> String {
    guard (1...65535).contains(port) else {
      throw KithError(.configuration, "Invalid IMAP port \(port): use a number from 1 to 65535.")
    }
    let forbidden = CharacterSet(charactersIn: "/@?#[]% \t\r\n\\")
    guard !host.isEmpty, host.rangeOfCharacter(from: forbidden) == nil else {
      throw KithError(.configuration, "Invalid IMAP host \"\(host)\": use a host name or IP address.")
    }
    let urlHost = host.contains(":") ? "[\(host)]" : host
    return "\(security == .tls ? "imaps" : "imap")://\(urlHost):\(port)/"
  }
}
