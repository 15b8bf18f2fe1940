import Foundation
import KithCore

/// A private Dovecot IMAP server and SMTP server on 127.0.0.1, started by `scripts/mailserver`.
///
/// Each instance has its own state folder, ports, certificates and seeded Maildir:
///
/// ```swift
/// let server = try MailServer.start()
/// defer { server.stop() }
/// ```
///
/// The SMTP server requires AUTH (PLAIN or LOGIN) with `user` and `password` after STARTTLS on
/// `smtpPort`, or on the implicit-TLS `smtpsPort`. It writes every accepted message unchanged
/// into the user's INBOX, and it rejects recipients in `rejectedRecipientDomain` with 550.
///
/// Thread safety: all members may be used from any thread.
public final class MailServer: @unchecked Sendable {
  /// The address both servers listen on, `127.0.0.1`.
  public let host: String
  /// The IMAP port with implicit TLS.
  public let imapsPort: Int
  /// The IMAP port where clients must send STARTTLS before they log in.
  public let imapStartTLSPort: Int
  /// The SMTP submission port with STARTTLS.
  public let smtpPort: Int
  /// The SMTP port with implicit TLS.
  public let smtpsPort: Int
  /// The login name for IMAP and SMTP.
  public let user: String
  /// The user's email address, `USER@example.test`.
  public let email: String
  /// The CA certificate (PEM) that signed the server certificate of both servers.
  public let caFile: URL
  /// A CA certificate (PEM) that did not sign the server certificate.
  public let otherCAFile: URL
  /// The user's Maildir; folders other than INBOX are `.NAME` subfolders (`.Sent`).
  public let maildir: URL
  /// The folder that contains all state: config, logs, certificates, mail and PID files.
  public let stateDirectory: URL
  /// The private Dovecot config file.
  public let dovecotConfig: URL
  /// The domain whose recipients the SMTP server rejects with 550, `reject.test`.
  public let rejectedRecipientDomain: String
  /// The PIDs of the Dovecot master and the SMTP server.
  public let processIDs: [Int32]
  /// Every value from `STATEDIR/env`, keyed by variable name (`KITH_IMAPS_PORT`, ...).
  public let environment: [String: String]

  private let lock = NSLock()
  private var currentPassword: String
  private var isStopped = false
  private let removesStateDirectory: Bool

  /// The password for IMAP and SMTP; `setPassword(_:)` changes it.
  public var password: String {
    lock.withLock { currentPassword }
  }

  /// The `scripts/mailserver` program in this repository.
  public static let script: URL = Fixtures.repositoryRoot
    .appendingPathComponent("scripts/mailserver")

  /// Starts both servers and waits until they accept connections.
  ///
  /// The state folder is created under `$KITH_TEST_ROOT` when that is set, and is then kept
  /// after `stop()` for inspection. Otherwise it is a new folder in the system's temporary
  /// folder, removed by `stop()`.
  ///
  /// - Parameters:
  ///   - messages: A folder whose files become the INBOX, one message per file, in file-name
  ///     order (ascending UIDs). Defaults to the shared corpus.
  ///   - sent: A folder whose files become the Sent folder, stored with `\Seen`.
  ///   - withoutCapabilities: IMAP capabilities the server does not advertise, such as
  ///     `["CONDSTORE", "QRESYNC", "IDLE"]`.
  ///   - user: The login name; the email address is `USER@example.test`.
  ///   - password: The password, `kith-test-password` when nil. It must not contain `:`, CR,
  ///     LF or NUL.
  /// - Throws: `KithError` with `.configuration` when the script fails. The error's cause
  ///   contains the script's output.
  public static func start(
    messages: URL? = nil, sent: URL? = nil, withoutCapabilities: [String] = [],
    user: String = "kith", password: String? = nil
  ) throws -> MailServer {
    let (directory, isTemporary) = try makeStateDirectory()
    var arguments = ["start", directory.path, "--user", user]
    if let password {
      arguments += ["--password", password]
    }
    if let messages {
      arguments += ["--messages", messages.path]
    }
    if let sent {
      arguments += ["--sent", sent.path]
    }
    if !withoutCapabilities.isEmpty {
      arguments += ["--without-capabilities", withoutCapabilities.joined(separator: " ")]
    }

    do {
      try runScript(arguments, stateDirectory: directory)
      return try MailServer(stateDirectory: directory, removesStateDirectory: isTemporary)
    } catch {
      _ = try? runScript(["stop", directory.path], stateDirectory: directory)
      // The thrown error carries the script's output, so a temporary folder can go.
      if isTemporary {
        try? FileManager.default.removeItem(at: directory)
      }
      throw error
    }
  }

  private init(stateDirectory: URL, removesStateDirectory: Bool) throws {
    let environment = try Self.readEnvironment(
      stateDirectory.appendingPathComponent("env"))

    func value(_ key: String) throws -> String {
      guard let value = environment[key], !value.isEmpty else {
        throw KithError(
          .configuration, "Mail server env file has no \(key); check scripts/mailserver start.")
      }
      return value
    }

    func port(_ key: String) throws -> Int {
      let text = try value(key)
      guard let port = Int(text), (1...65535).contains(port) else {
        throw KithError(.configuration, "Mail server env value \(key)=\(text) is not a port.")
      }
      return port
    }

    self.environment = environment
    self.stateDirectory = stateDirectory
    self.removesStateDirectory = removesStateDirectory
    host = try value("KITH_MAIL_HOST")
    imapsPort = try port("KITH_IMAPS_PORT")
    imapStartTLSPort = try port("KITH_IMAP_STARTTLS_PORT")
    smtpPort = try port("KITH_SMTP_PORT")
    smtpsPort = try port("KITH_SMTPS_PORT")
    user = try value("KITH_MAIL_USER")
    currentPassword = try value("KITH_MAIL_PASSWORD")
    email = try value("KITH_MAIL_EMAIL")
    caFile = URL(fileURLWithPath: try value("KITH_CA_FILE"))
    otherCAFile = URL(fileURLWithPath: try value("KITH_OTHER_CA_FILE"))
    maildir = URL(fileURLWithPath: try value("KITH_MAILDIR"))
    dovecotConfig = URL(fileURLWithPath: try value("KITH_DOVECOT_CONF"))
    rejectedRecipientDomain = try value("KITH_SMTP_REJECT_DOMAIN")
    processIDs = try Self.readProcessIDs(stateDirectory.appendingPathComponent("pids.json"))
  }

  deinit {
    stop()
  }

  /// Stops both servers and waits until their processes are gone; later calls do nothing.
  public func stop() {
    let shouldStop = lock.withLock {
      defer { isStopped = true }
      return !isStopped
    }
    guard shouldStop else { return }

    // A failed stop leaves processes behind; scripts/test stops them again on exit.
    _ = try? Self.runScript(["stop", stateDirectory.path], stateDirectory: stateDirectory)
    if removesStateDirectory {
      try? FileManager.default.removeItem(at: stateDirectory)
    }
  }

  /// Adds message files to the INBOX, unchanged, with UIDs in the order given.
  ///
  /// Works while the server runs; Dovecot assigns the UIDs when it next checks the INBOX. A
  /// client in IDLE got `* N EXISTS` about 0.5 s after the call (Dovecot 2.3.19, measured once
  /// by hand on this project's 2-core test machine).
  /// - Throws: `KithError` with `.configuration` when a file is missing or the script fails.
  public func deliver(_ files: [URL]) throws {
    guard !files.isEmpty else { return }
    try Self.runScript(
      ["deliver", stateDirectory.path] + files.map(\.path), stateDirectory: stateDirectory)
  }

  /// Changes the password for IMAP and SMTP; both servers use it for the next login.
  ///
  /// - Throws: `KithError` with `.configuration` when the password contains `:`, CR, LF or
  ///   NUL, or the script fails.
  public func setPassword(_ newPassword: String) throws {
    try Self.runScript(
      ["set-password", stateDirectory.path, newPassword], stateDirectory: stateDirectory)
    lock.withLock { currentPassword = newPassword }
  }

  // MARK: - Script and files

  private static func makeStateDirectory() throws -> (URL, isTemporary: Bool) {
    let fileManager = FileManager.default
    let testRoot = ProcessInfo.processInfo.environment["KITH_TEST_ROOT"].flatMap {
      $0.isEmpty ? nil : URL(fileURLWithPath: $0)
    }
    let parent = testRoot ?? fileManager.temporaryDirectory
    // Dovecot's processes run as another user (nobody when started as root), so every
    // folder down to the Maildir must be searchable by others.
    let permissions: [FileAttributeKey: Any] = [.posixPermissions: 0o755]
    try fileManager.createDirectory(
      at: parent, withIntermediateDirectories: true, attributes: permissions)

    // Short names, because Dovecot's socket paths inside the folder must stay below 108 bytes.
    let name = "mail-" + UUID().uuidString.prefix(8).lowercased()
    let directory = parent.appendingPathComponent(name)
    try fileManager.createDirectory(
      at: directory, withIntermediateDirectories: false, attributes: permissions)
    return (directory, testRoot == nil)
  }

  /// Runs `scripts/mailserver` and waits for it.
  ///
  /// Its output is appended to `STATEDIR/mailserver.out` instead of going to a pipe, so that
  /// a daemon that inherits the descriptor cannot keep a read to end-of-file waiting.
  @discardableResult
  private static func runScript(_ arguments: [String], stateDirectory: URL) throws -> String {
    let outputURL = stateDirectory.appendingPathComponent("mailserver.out")
    if !FileManager.default.fileExists(atPath: outputURL.path) {
      _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    }
    let output = try FileHandle(forWritingTo: outputURL)
    defer { try? output.close() }
    let start = try output.seekToEnd()

    let process = Process()
    process.executableURL = script
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = output
    do {
      try process.run()
    } catch {
      throw KithError(
        .configuration, "Running \(script.path) failed; run scripts/bootstrap.",
        cause: "\(error)")
    }
    process.waitUntilExit()

    let log = (try? Data(contentsOf: outputURL)) ?? Data()
    let text = String(decoding: log.dropFirst(Int(start)), as: UTF8.self)
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
      let command = arguments.first ?? ""
      throw KithError(
        .configuration,
        "scripts/mailserver \(command) failed with status \(process.terminationStatus).",
        cause: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return text
  }

  private static func readEnvironment(_ url: URL) throws -> [String: String] {
    MailServerEnvironment.parse(try String(contentsOf: url, encoding: .utf8))
  }

  private static func readProcessIDs(_ url: URL) throws -> [Int32] {
    let data = try Data(contentsOf: url)
    let object = try JSONSerialization.jsonObject(with: data)
    guard let entries = object as? [String: [String: Any]] else {
      throw KithError(.invalidInput, "Mail server PID file \(url.path) is not a JSON object.")
    }
    return entries.keys.sorted().compactMap { name in
      (entries[name]?["pid"] as? NSNumber).map { $0.int32Value }
    }
  }
}

/// The parser for `STATEDIR/env`, which `scripts/mailserver start` writes.
public enum MailServerEnvironment {
  /// Parses `KEY=value` lines and removes the shell quoting around each value.
  ///
  /// Handles the quoting that Python's `shlex.quote` produces: `'...'` segments and `"'"` for
  /// a single quote. Lines without `=` are skipped.
  public static func parse(_ text: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in text.split(separator: "\n") {
      guard let equals = line.firstIndex(of: "=") else { continue }
      values[String(line[..<equals])] = unquote(line[line.index(after: equals)...])
    }
    return values
  }

  private static func unquote(_ word: Substring) -> String {
    var result = ""
    var quote: Character?
    for character in word {
      if let open = quote {
        if character == open {
          quote = nil
        } else {
          result.append(character)
        }
      } else if character == "'" || character == "\"" {
        quote = character
      } else {
        result.append(character)
      }
    }
    return result
  }
}
