import Foundation

/// The state of a mailbox returned by SELECT or EXAMINE.
public struct IMAPMailboxStatus: Sendable, Equatable {
  public var name: String
  public var uidValidity: UInt32
  /// The UID the next new message will get, when the server sent one.
  public var uidNext: UID?
  /// The count of messages in the mailbox.
  public var exists: UInt32
  /// The CONDSTORE mod-sequence, when the server supports CONDSTORE (RFC 7162).
  public var highestModSeq: UInt64?
  public var isReadOnly: Bool
}

/// One message from a body fetch.
public struct IMAPFetchedMessage: Sendable {
  public var uid: UID
  public var flags: [String]
  public var internalDate: Date?
  /// RFC822.SIZE as the server reported it.
  public var size: Int?
  /// The raw message bytes from `BODY[]`, CRLF line ends as served.
  public var body: Data
  public var modSeq: UInt64?
}

/// An IMAP session over an `IMAPConnection`: tagged commands, response dispatch and the
/// commands sync needs.
///
/// Untagged responses that no running command asked for (EXISTS, EXPUNGE, VANISHED, FETCH with
/// flag changes) are queued in `unsolicitedResponses` for the caller.
///
/// Not `Sendable`: one actor owns a client and calls it from one thread at a time.
public final class IMAPClient {
  public let connection: IMAPConnection

  private var parser = IMAPResponseParser()
  private var tagNumber = 0
  private var cachedCapabilities: Set<String>?
  private var byeText: String?
  private var isLoggedOut = false
  /// Whether `ENABLE QRESYNC` succeeded on this connection.
  public internal(set) var isQResyncEnabled = false
  let logger: Logger

  /// The maximum count of queued unsolicited responses; older ones are dropped first.
  static let maximumUnsolicitedResponses = 10_000

  /// Untagged responses received outside the command that requested them, oldest first.
  public private(set) var unsolicitedResponses: [IMAPUntaggedResponse] = []

  /// Connects and logs in with `options`.
  ///
  /// - Throws: `KithError` or `CancellationError` from `IMAPConnection.init`.
  public convenience init(options: IMAPConnectionOptions, interruption: IMAPInterruption? = nil) throws {
    self.init(connection: try IMAPConnection(options: options, interruption: interruption))
  }

  /// Wraps a connection that is logged in and has no command running.
  public init(connection: IMAPConnection) {
    self.connection = connection
    var logger = Logger(label: "kith.imap")
    logger.metadata["imap.connection"] = String(connection.id)
    self.logger = logger
  }

  deinit {
    // Best effort: a client dropped without logout() still sends LOGOUT before the socket
    // closes, but does not wait for the server's response.
    if !isLoggedOut && !connection.isClosed {
      try? connection.send(Array("\(makeTag()) LOGOUT\r\n".utf8))
    }
    connection.close()
  }

  /// Removes and returns the queued unsolicited responses.
  public func takeUnsolicitedResponses() -> [IMAPUntaggedResponse] {
    defer { unsolicitedResponses = [] }
    return unsolicitedResponses
  }

  // MARK: Commands

  /// Returns the server's capabilities, upper-cased, sending CAPABILITY once per connection.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func capabilities() throws -> Set<String> {
    if let cachedCapabilities { return cachedCapabilities }
    var names: [String] = []
    try execute("CAPABILITY") { response in
      guard case .capability(let list) = response else { return false }
      names = list
      return true
    }
    let capabilities = Set(names.map { $0.uppercased() })
    cachedCapabilities = capabilities
    return capabilities
  }

  /// Reports whether the server announced capability `name` (case-insensitive).
  public func supports(_ name: String) throws -> Bool {
    try capabilities().contains(name.uppercased())
  }

  /// Lists all mailboxes, with special-use attributes (RFC 6154) when the server has them.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func listMailboxes() throws -> [IMAPMailbox] {
    let command =
      try supports("SPECIAL-USE") ? #"LIST "" "*" RETURN (SPECIAL-USE)"# : #"LIST "" "*""#
    var mailboxes: [IMAPMailbox] = []
    try execute(command) { response in
      guard case .list(let mailbox) = response else { return false }
      mailboxes.append(mailbox)
      return true
    }
    return mailboxes
  }

  /// Opens `mailbox` read-only with EXAMINE, so that nothing fetched is marked read, and
  /// enables CONDSTORE when the server has it.
  ///
  /// - Throws: `KithError` with `.serverResponse` when the server answers NO (for example, the
  ///   mailbox does not exist) or sends no UIDVALIDITY, `.network` when the connection fails.
  public func examine(_ mailbox: String) throws -> IMAPMailboxStatus {
    try open(mailbox, command: "EXAMINE")
  }

  /// Opens `mailbox` read-write with SELECT.
  ///
  /// - Throws: as `examine(_:)`.
  public func select(_ mailbox: String) throws -> IMAPMailboxStatus {
    try open(mailbox, command: "SELECT")
  }

  /// Sends SELECT or EXAMINE with `parameters` (such as ` (CONDSTORE)`, with its leading
  /// space) and reads the mailbox status. `handle` gets the untagged responses that are not
  /// part of the status, such as the VANISHED and FETCH responses of a QRESYNC open.
  func open(
    _ mailbox: String, command: String, parameters: String? = nil,
    handle: (IMAPUntaggedResponse) -> Bool = { _ in false }
  ) throws -> IMAPMailboxStatus {
    let condstore = try parameters ?? (supports("CONDSTORE") ? " (CONDSTORE)" : "")
    var uidValidity: UInt32?
    var uidNext: UID?
    var exists: UInt32 = 0
    var highestModSeq: UInt64?

    let completion = try execute("\(command) \(try Self.quoted(mailbox))\(condstore)") { response in
      switch response {
      case .exists(let count): exists = count
      case .flags, .recent: break
      case .status(let status):
        switch status.code {
        case .uidValidity(let value): uidValidity = value
        case .uidNext(let value): uidNext = value
        case .highestModSeq(let value): highestModSeq = value
        default: break
        }
      default: return handle(response)
      }
      return true
    }

    guard let uidValidity else {
      throw KithError(
        .serverResponse, "The IMAP server sent no UIDVALIDITY for mailbox \(mailbox).")
    }
    let isReadOnly = command == "EXAMINE" || completion.code == .readOnly
    return IMAPMailboxStatus(
      name: mailbox, uidValidity: uidValidity, uidNext: uidNext, exists: exists,
      highestModSeq: highestModSeq, isReadOnly: isReadOnly)
  }

  /// Runs `UID SEARCH` with `criteria` (IMAP search syntax) and returns the UIDs, ascending.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func uidSearch(_ criteria: String) throws -> [UID] {
    var uids: [UID] = []
    try execute("UID SEARCH \(criteria)") { response in
      guard case .search(let numbers, _) = response else { return false }
      uids.append(contentsOf: numbers)
      return true
    }
    return uids.sorted()
  }

  /// Returns the UID and RFC822.SIZE of each message with a UID above `uid`, ascending.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func fetchSizes(aboveUID uid: UID) throws -> [(uid: UID, size: Int)] {
    guard uid < UID.max else { return [] }
    var sizes: [(uid: UID, size: Int)] = []
    try execute("UID FETCH \(uid + 1):* (UID RFC822.SIZE)") { response in
      guard case .fetch(_, let attributes) = response, attributes.body == nil,
        let fetchedUID = attributes.uid, let size = attributes.size
      else { return false }
      // "n:*" also matches the highest UID when it is below n (RFC 3501, section 6.4.8).
      if fetchedUID > uid { sizes.append((fetchedUID, size)) }
      return true
    }
    return sizes.sorted { $0.uid < $1.uid }
  }

  /// Sends LOGOUT, waits for its completion, and closes the connection. Errors are ignored,
  /// because the session ends either way.
  public func logout() {
    guard !isLoggedOut else { return }
    isLoggedOut = true
    if !connection.isClosed {
      _ = try? execute("LOGOUT") { response in
        if case .status(let status) = response, status.kind == .bye { return true }
        return false
      }
    }
    connection.close()
  }

  // MARK: Command execution

  /// Sends `command` with a new tag and reads responses until its tagged completion.
  ///
  /// `handle` gets each untagged response and returns true when it used it; the others are
  /// queued as unsolicited.
  ///
  /// - Returns: the tagged OK response.
  /// - Throws: `KithError` with `.serverResponse` and the server's text on NO or BAD, or when
  ///   a response was malformed (after reading up to the completion, so the next command
  ///   starts in step). `.network` when the connection fails.
  @discardableResult
  func execute(_ command: String, handle: (IMAPUntaggedResponse) throws -> Bool) throws
    -> IMAPStatusResponse
  {
    let tag = try send(command)
    var decodingError: KithError?
    while true {
      let response: IMAPResponse
      do {
        response = try readResponse()
      } catch let error as KithError where isSkippable(error) {
        decodingError = decodingError ?? error
        continue
      }

      switch response {
      case .tagged(let responseTag, let status) where responseTag == tag:
        try Self.check(status, command: command)
        if let decodingError { throw decodingError }
        return status
      case .tagged(let otherTag, _):
        logger.debug("ignored response with unknown tag", metadata: ["imap.tag": otherTag])
      case .untagged(let untagged):
        if try !handle(untagged) { queueUnsolicited(untagged) }
      case .continuation:
        throw KithError(
          .serverResponse, "The IMAP server requested a continuation that \(Self.verb(command)) does not send.")
      }
    }
  }

  /// Sends `command` with a new tag and returns the tag, without waiting.
  func send(_ command: String) throws -> String {
    let tag = makeTag()
    try connection.send(Array("\(tag) \(command)\r\n".utf8))
    return tag
  }

  /// Returns the next response, receiving more bytes as needed.
  func readResponse() throws -> IMAPResponse {
    while true {
      if let response = try nextBufferedResponse() { return response }
      try receive { try connection.receive() }
    }
  }

  /// Returns the next response from the bytes received so far, or nil when more are needed.
  func nextBufferedResponse() throws -> IMAPResponse? {
    do {
      guard let response = try parser.next() else { return nil }
      if connection.options.wireTrace { trace(response) }
      if case .untagged(.status(let status)) = response, status.kind == .bye {
        byeText = status.text
      }
      return response
    } catch {
      if parser.hasFailed { connection.close() }
      throw error
    }
  }

  /// Feeds the bytes that `read` returns to the parser and returns their count. A connection
  /// error gets the server's BYE text as its cause.
  @discardableResult
  func receive(_ read: () throws -> [UInt8]) throws -> Int {
    do {
      let bytes = try read()
      parser.feed(bytes)
      return bytes.count
    } catch let error as KithError {
      guard let byeText else { throw error }
      throw KithError(error.code, error.message, cause: "the server sent BYE: \(byeText)")
    }
  }

  /// Reports whether `error` came from one malformed response that the parser skipped, so
  /// that reading can go on.
  func isSkippable(_ error: KithError) -> Bool {
    error.code == .serverResponse && !parser.hasFailed && !connection.isClosed
  }

  func queueUnsolicited(_ response: IMAPUntaggedResponse) {
    if case .status(let status) = response, status.kind == .ok, status.code == nil { return }
    if unsolicitedResponses.count >= Self.maximumUnsolicitedResponses {
      unsolicitedResponses.removeFirst(unsolicitedResponses.count / 2)
      logger.debug("dropped old unsolicited responses")
    }
    unsolicitedResponses.append(response)
  }

  private func makeTag() -> String {
    tagNumber += 1
    return "K\(tagNumber)"
  }

  static func check(_ status: IMAPStatusResponse, command: String) throws {
    guard status.kind != .ok else { return }
    throw KithError(
      .serverResponse,
      "The IMAP server rejected \(verb(command)): \(status.kind.rawValue) \(status.text)")
  }

  /// Returns the command name for messages, such as `UID FETCH`, without the arguments,
  /// because they can be long.
  static func verb(_ command: String) -> String {
    let words = command.split(separator: " ", maxSplits: 2)
    if words.count >= 2, words[0].uppercased() == "UID" { return "UID \(words[1])" }
    return words.first.map(String.init) ?? command
  }

  /// Quotes `text` as an IMAP quoted string.
  ///
  /// - Throws: `KithError` with `.invalidInput` when `text` contains CR, LF, NUL or 8-bit
  ///   characters, which a quoted string cannot carry. Mailbox names from LIST are 7-bit
  ///   (modified UTF-7), so this does not happen for them.
  static func quoted(_ text: String) throws -> String {
    guard text.utf8.allSatisfy({ $0 > 0 && $0 < 0x80 && $0 != 0x0D && $0 != 0x0A }) else {
      throw KithError(.invalidInput, "The mailbox name \(text) contains characters IMAP cannot quote.")
    }
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
      .replacingOccurrences(of: "\"", with: "\\\"")
    return "\"\(escaped)\""
  }

  private func trace(_ response: IMAPResponse) {
    let summary: String
    switch response {
    case .tagged(let tag, let status): summary = "\(tag) \(status.kind.rawValue) \(status.text)"
    case .continuation(let text): summary = "+ \(text)"
    case .untagged(.fetch(let number, let attributes)):
      summary = "* \(number) FETCH uid=\(attributes.uid.map(String.init) ?? "-") body=\(attributes.body?.count ?? 0) bytes"
    case .untagged(let untagged): summary = "* \(String(describing: untagged).prefix(300))"
    }
    logger.trace("received", metadata: ["imap.response": summary])
  }
}
