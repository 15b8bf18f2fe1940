import Foundation

/// Splits messages into fetch batches bounded by message count and total size.
public enum FetchBatchPlanner {
  /// Groups `messages` in the given order into batches of at most `maximumMessages` messages
  /// and, unless a single message is larger, at most `maximumBytes` bytes.
  public static func makeBatches(
    _ messages: [(uid: UID, size: Int)], maximumMessages: Int, maximumBytes: Int
  ) -> [[UID]] {
    var batches: [[UID]] = []
    var current: [UID] = []
    var currentBytes = 0
    for message in messages {
      let isFull =
        current.count >= max(1, maximumMessages) || currentBytes + message.size > maximumBytes
      if !current.isEmpty && isFull {
        batches.append(current)
        current = []
        currentBytes = 0
      }
      current.append(message.uid)
      currentBytes += max(0, message.size)
    }
    if !current.isEmpty { batches.append(current) }
    return batches
  }
}

extension IMAPClient {
  /// The attributes fetched for each message. `BODY.PEEK[]` leaves the `\Seen` flag alone.
  static let messageFetchItems = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])"

  /// Fetches whole messages of the selected mailbox, one `UID FETCH` per batch, with up to
  /// `maximumInFlight` commands pipelined.
  ///
  /// `onBatch` gets the messages of each batch, sorted by UID, once the batch's command and
  /// all earlier ones completed. So batches arrive in order even when a server completes
  /// them out of order, and a failed batch stops delivery of every later one. UIDs that no
  /// longer exist are left out without an error.
  ///
  /// - Throws: `KithError` with `.serverResponse` when the server rejects a batch with NO or BAD
  ///   or sends a malformed response. The batches before it are delivered, and the in-flight
  ///   commands are read to their completion, so the connection stays usable. Also throws
  ///   `.network` when the connection fails, and whatever `onBatch` throws (after the
  ///   in-flight commands complete).
  public func fetchMessages(
    batches: [[UID]], maximumInFlight: Int = 3, onBatch: ([IMAPFetchedMessage]) throws -> Void
  ) throws {
    var pipeline = FetchPipeline(batches: batches.filter { !$0.isEmpty })
    var firstError: Error?

    while true {
      while firstError == nil, pipeline.inFlight.count < max(1, maximumInFlight),
        let batch = pipeline.nextBatchToSend()
      {
        let command = "UID FETCH \(IMAPSequenceSet(numbers: batch).wireText) \(Self.messageFetchItems)"
        pipeline.markSent(tag: try send(command), uids: batch)
      }
      guard !pipeline.inFlight.isEmpty else { break }

      let response: IMAPResponse
      do {
        response = try readResponse()
      } catch let error as KithError where isSkippable(error) {
        // The malformed response may have been a message of any in-flight batch, so no
        // further batch is sent, and the error ends the fetch once the in-flight ones complete.
        firstError = firstError ?? error
        continue
      }

      switch response {
      case .untagged(.fetch(let number, let attributes)):
        if !pipeline.collect(attributes) {
          queueUnsolicited(.fetch(sequenceNumber: number, attributes: attributes))
        }
      case .untagged(let other):
        queueUnsolicited(other)
      case .tagged(let tag, let status):
        guard pipeline.complete(tag: tag, status: status) else {
          logger.debug("ignored response with unknown tag", metadata: ["imap.tag": tag])
          continue
        }
        while let (status, messages) = pipeline.takeFirstCompleted() {
          guard firstError == nil else { continue }
          do {
            try Self.check(status, command: "UID FETCH")
            try onBatch(messages)
          } catch {
            firstError = error
          }
        }
      case .continuation:
        throw KithError(.serverResponse, "The IMAP server requested a continuation during UID FETCH.")
      }
    }

    if let firstError { throw firstError }
  }
}

/// The bookkeeping of pipelined body fetches: which batch each tag covers and the messages
/// received for it.
struct FetchPipeline {
  struct Command {
    var tag: String
    var uids: Set<UID>
    var messages: [IMAPFetchedMessage] = []
    var status: IMAPStatusResponse?
  }

  private var pending: ArraySlice<[UID]>
  private(set) var inFlight: [Command] = []

  init(batches: [[UID]]) {
    pending = batches[...]
  }

  func nextBatchToSend() -> [UID]? {
    pending.first
  }

  mutating func markSent(tag: String, uids: [UID]) {
    pending = pending.dropFirst()
    inFlight.append(Command(tag: tag, uids: Set(uids)))
  }

  /// Adds a FETCH response with a body to the command whose batch contains its UID. Returns
  /// false when it belongs to no batch, such as a flag change the server sent unasked.
  mutating func collect(_ attributes: IMAPFetchAttributes) -> Bool {
    guard let uid = attributes.uid, let body = attributes.body,
      let index = inFlight.firstIndex(where: { $0.uids.contains(uid) })
    else { return false }
    inFlight[index].messages.append(
      IMAPFetchedMessage(
        uid: uid, flags: attributes.flags ?? [], internalDate: attributes.internalDate,
        size: attributes.size, body: body, modSeq: attributes.modSeq))
    return true
  }

  /// Records the completion of the command with `tag`. Returns false for an unknown tag.
  mutating func complete(tag: String, status: IMAPStatusResponse) -> Bool {
    guard let index = inFlight.firstIndex(where: { $0.tag == tag && $0.status == nil }) else {
      return false
    }
    inFlight[index].status = status
    return true
  }

  /// Removes the oldest command when it has completed and returns its status and its
  /// messages sorted by UID.
  mutating func takeFirstCompleted() -> (IMAPStatusResponse, [IMAPFetchedMessage])? {
    guard let first = inFlight.first, let status = first.status else { return nil }
    inFlight.removeFirst()
    return (status, first.messages.sorted { $0.uid < $1.uid })
  }
}
