import Dispatch
import Foundation

/// A fetched batch after parsing, ready for `SyncStore.storeFetched`.
struct ParsedBatch {
  var messages: [FetchedMessage]
  /// The batch's size for progress: RFC822.SIZE, or the body length when the server sent none.
  var byteCount: Int
}

/// Parses fetched batches on other threads while the fetch loop goes on reading, and returns
/// them in the order they were submitted.
///
/// The fetch loop submits each batch as it completes and then stores the batches that are
/// parsed already, so fetching, parsing and storing overlap. The store stays confined to the
/// thread that calls `submit` and `storeReady`. A serial queue parses one batch at a time and
/// spreads its messages over all cores with `DispatchQueue.concurrentPerform`.
///
/// Memory stays bounded: `storeReady` waits for the oldest batch once more than
/// `maximumPending` batches are submitted but not yet stored, so the fetch loop stops reading
/// while parsing is behind.
///
/// Not thread-safe: one fetch loop owns a pipeline.
final class ParsingPipeline<Context> {
  /// One submitted batch. The parse queue writes `batch` before it signals `parsed`, and the
  /// owner reads it only after a wait on `parsed` succeeds, so the semaphore orders the two.
  private final class Slot: @unchecked Sendable {
    let parsed = DispatchSemaphore(value: 0)
    var batch = ParsedBatch(messages: [], byteCount: 0)
  }

  let maximumPending: Int
  private let parse: @Sendable (Data) -> ParsedMessage
  private let queue: DispatchQueue
  private var pending: [(slot: Slot, context: Context)] = []

  /// Creates a pipeline; `maximumPending` below 1 counts as 1.
  init(label: String, maximumPending: Int, parse: @escaping @Sendable (Data) -> ParsedMessage) {
    self.maximumPending = max(1, maximumPending)
    self.parse = parse
    queue = DispatchQueue(label: label, qos: .userInitiated)
  }

  /// The count of batches submitted but not yet handed to a store closure.
  var pendingCount: Int { pending.count }

  /// Queues `messages` for parsing; `context` comes back with the parsed batch.
  func submit(_ messages: [IMAPFetchedMessage], context: Context) {
    let slot = Slot()
    pending.append((slot, context))
    let parse = self.parse
    queue.async {
      slot.batch = Self.parseBatch(messages, parse: parse)
      slot.parsed.signal()
    }
  }

  /// Calls `store` with every parsed batch at the head of the queue, oldest first. When more
  /// than `maximumPending` batches are queued, it first waits for enough of them to parse.
  ///
  /// A batch is removed before `store` runs, so a batch whose store throws is never offered
  /// again. The batches after it stay queued, and their parsing finishes in the background.
  func storeReady(_ store: (ParsedBatch, Context) throws -> Void) rethrows {
    while let first = pending.first {
      if pending.count > maximumPending {
        first.slot.parsed.wait()
      } else if first.slot.parsed.wait(timeout: .now()) == .timedOut {
        return
      }
      pending.removeFirst()
      try store(first.slot.batch, first.context)
    }
  }

  /// Waits for every queued batch and calls `store` with each, oldest first.
  func storeAll(_ store: (ParsedBatch, Context) throws -> Void) rethrows {
    while let first = pending.first {
      first.slot.parsed.wait()
      pending.removeFirst()
      try store(first.slot.batch, first.context)
    }
  }

  /// Runs `fetch`, which passes each fetched batch to the submit closure it gets, and stores
  /// the parsed batches in submission order with `store`.
  ///
  /// When `fetch` fails for a reason other than `store` (a NO to a later batch, a lost
  /// connection), the batches it delivered before are still stored, as a fetch without the
  /// pipeline would have stored them, and then its error is thrown. When `store` fails, or
  /// throws `CancellationError`, no later batch is stored.
  ///
  /// `store` runs from inside `fetch`, so it must not change variables that `fetch` reads.
  func run(
    store: (ParsedBatch, Context) throws -> Void,
    fetch: (_ submit: ([IMAPFetchedMessage], Context) throws -> Void) throws -> Void
  ) throws {
    // `store` runs inside `fetch` (through the submit closure), which exclusivity checking
    // rejects for plain non-escaping closures. It is safe while `store` leaves alone the
    // variables that `fetch` captures, as documented above.
    try withoutActuallyEscaping(store) { store in
      var storeFailed = false
      func storeTracked(_ batch: ParsedBatch, _ context: Context) throws {
        do {
          try store(batch, context)
        } catch {
          storeFailed = true
          throw error
        }
      }

      do {
        try fetch { messages, context in
          submit(messages, context: context)
          try storeReady(storeTracked)
        }
      } catch {
        if !storeFailed {
          try storeAll(storeTracked)
        }
        throw error
      }
      try storeAll(storeTracked)
    }
  }

  /// Parses the messages of one batch on all cores, keeping their order.
  private static func parseBatch(
    _ messages: [IMAPFetchedMessage], parse: @Sendable (Data) -> ParsedMessage
  ) -> ParsedBatch {
    var results = [ParsedMessage?](repeating: nil, count: messages.count)
    results.withUnsafeMutableBufferPointer { buffer in
      let output = SendableBuffer(base: buffer.baseAddress)
      DispatchQueue.concurrentPerform(iterations: messages.count) { index in
        // Each iteration writes only its own element, so the writes never overlap.
        output.base?[index] = parse(messages[index].body)
      }
    }
    var fetched: [FetchedMessage] = []
    fetched.reserveCapacity(messages.count)
    var byteCount = 0
    for (message, parsed) in zip(messages, results) {
      fetched.append(
        FetchedMessage(
          uid: message.uid, flags: message.flags, internalDate: message.internalDate,
          raw: message.body, parsed: parsed!))
      byteCount += message.size ?? message.body.count
    }
    return ParsedBatch(messages: fetched, byteCount: byteCount)
  }
}

/// The base of a buffer that `concurrentPerform` iterations write to at disjoint indexes.
private struct SendableBuffer<Element>: @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>?
}

extension AccountSyncer {
  /// The batches submitted for parsing but not yet stored, at most. Together with the
  /// `maximumCommandsInFlight` batches being received, it bounds the messages held in memory.
  static let maximumPendingBatches = 2

  func makeParsingPipeline<Context>(for context: Context.Type) -> ParsingPipeline<Context> {
    ParsingPipeline(
      label: "kith.sync.parse-\(account)", maximumPending: Self.maximumPendingBatches, parse: parse)
  }
}
