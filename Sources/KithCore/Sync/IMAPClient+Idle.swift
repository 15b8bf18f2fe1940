import Foundation

/// The reason an IDLE wait ended.
public enum IMAPIdleEnd: Sendable, Equatable {
  /// The server reported EXISTS, EXPUNGE, VANISHED or FETCH.
  case changed
  case timedOut
  /// `IMAPWakeUp.wakeUp()` was called.
  case wokenUp
}

extension IMAPClient {
  /// Waits in IDLE (RFC 2177) on the selected mailbox until the server reports a change,
  /// `timeout` seconds pass, or `wakeUp` fires, then ends IDLE with DONE.
  ///
  /// Servers may log out a client after 30 idle minutes, so RFC 2177 advises ending IDLE at
  /// least every 29 minutes, and `timeout` should stay below that. The untagged responses
  /// received during IDLE are returned instead of being queued as unsolicited.
  ///
  /// - Throws: `KithError` with `.serverResponse` when the server lacks IDLE or rejects it,
  ///   `.network` when the connection fails.
  public func idle(timeout: TimeInterval, wakeUp: IMAPWakeUp? = nil) throws
    -> (end: IMAPIdleEnd, responses: [IMAPUntaggedResponse])
  {
    guard try supports("IDLE") else {
      throw KithError(.serverResponse, "The IMAP server does not support IDLE; poll with NOOP instead.")
    }
    let tag = try send("IDLE")
    var responses: [IMAPUntaggedResponse] = []
    try readIdleContinuation(tag: tag, into: &responses)

    var end = IMAPIdleEnd.changed
    if !responses.contains(where: Self.isMailboxChange) {
      let (waitEnd, completion) = try waitForIdleEvent(
        tag: tag, timeout: timeout, wakeUp: wakeUp, into: &responses)
      // A server may end IDLE on its own, and DONE after that would be a bad command.
      if let completion {
        try Self.check(completion, command: "IDLE")
        return (waitEnd, responses)
      }
      end = waitEnd
    }

    try connection.send(Array("DONE\r\n".utf8))
    while true {
      switch try readResponse() {
      case .tagged(let responseTag, let status) where responseTag == tag:
        try Self.check(status, command: "IDLE")
        return (end, responses)
      case .untagged(let untagged):
        responses.append(untagged)
      case .tagged, .continuation:
        continue
      }
    }
  }

  /// Reads up to the `+` that starts IDLE.
  private func readIdleContinuation(tag: String, into responses: inout [IMAPUntaggedResponse]) throws {
    while true {
      switch try readResponse() {
      case .continuation:
        return
      case .tagged(let responseTag, let status) where responseTag == tag:
        try Self.check(status, command: "IDLE")
        throw KithError(.serverResponse, "The IMAP server ended IDLE before it started.")
      case .untagged(let untagged):
        responses.append(untagged)
      case .tagged:
        continue
      }
    }
  }

  /// Reads responses during IDLE until a mailbox change, the timeout, a wake-up, or the
  /// server's own completion of IDLE, which is then returned too.
  private func waitForIdleEvent(
    tag: String, timeout: TimeInterval, wakeUp: IMAPWakeUp?,
    into responses: inout [IMAPUntaggedResponse]
  ) throws -> (IMAPIdleEnd, IMAPStatusResponse?) {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      while let response = try nextBufferedResponse() {
        switch response {
        case .untagged(let untagged):
          responses.append(untagged)
          if Self.isMailboxChange(untagged) { return (.changed, nil) }
        case .tagged(let responseTag, let status) where responseTag == tag:
          return (.timedOut, status)
        case .tagged, .continuation:
          continue
        }
      }

      // Drain before polling, because OpenSSL may hold bytes that the socket does not show.
      if try receive({ try connection.receiveAvailable() }) > 0 { continue }

      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { return (.timedOut, nil) }
      switch try connection.waitUntilReadable(timeout: remaining, wakeUpDescriptor: wakeUp?.readDescriptor) {
      case .readable:
        continue
      case .timedOut:
        return (.timedOut, nil)
      case .wokenUp:
        wakeUp?.drain()
        return (.wokenUp, nil)
      }
    }
  }

  static func isMailboxChange(_ response: IMAPUntaggedResponse) -> Bool {
    switch response {
    case .exists, .expunge, .vanished, .fetch: return true
    default: return false
    }
  }
}
