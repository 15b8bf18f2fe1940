import Dispatch
import Foundation

/// A fetched batch after parsing, ready for `SyncStore.storeFetched`.
struct ParsedBatch {
  var messages: [FetchedMessage]
  /// The batch's size for progress: RFC822.SIZE, or the body length when the server sent none.
  var byteCount: Int
}

/// Runs a folder's fetch loop on its own thread, parses the fetched batches on other threads,
/// and hands them back in fetch order to the thread that stores them.
///
/// `run(store:fetch:)` moves `fetch` (socket reads and response parsing) to a thread of the
/// pipeline, so that reading from the server, parsing and writing to the store overlap. The
/// store stays on the calling thread, where cancellation and progress events work as before.
/// A serial queue parses one batch at a time and spreads its messages over all cores with
/// `DispatchQueue.concurrentPerform`.
///
/// Memory stays bounded: a submit waits while `maximumPending` batches are queued and not
/// yet taken by the store loop, so the fetch loop stops reading while parsing or storing is
/// behind.
///
/// One pipeline serves one `run` call at a time.
final class ParsingPipeline<Context> {
  /// One submitted batch. `batch` is written by the parse queue and read by the store loop,
  /// both while holding `condition`'s lock.
  private final class Slot: @unchecked Sendable {
    var isParsed = false
    var batch = ParsedBatch(messages: [], byteCount: 0)
  }

  /// The error a submit throws once the store loop failed, so that the fetch loop stops.
  struct Stopped: Error {}

  let maximumPending: Int
  private let parse: @Sendable (Data) -> ParsedMessage
  private let parseQueue: DispatchQueue
  private let fetchQueue: DispatchQueue
  /// Guards every variable below.
  private let condition = NSCondition()
  private var pending: [(slot: Slot, context: Context)] = []
  private var isFetchFinished = false
  private var fetchError: Error?
  private var isStopped = false
  private var highestPendingCount = 0

  /// Creates a pipeline. A `maximumPending` below 1 counts as 1.
  init(label: String, maximumPending: Int, parse: @escaping @Sendable (Data) -> ParsedMessage) {
    self.maximumPending = max(1, maximumPending)
    self.parse = parse
    parseQueue = DispatchQueue(label: "\(label).parse", qos: .userInitiated)
    fetchQueue = DispatchQueue(label: "\(label).fetch", qos: .userInitiated)
  }

  /// The largest count of batches that waited for the store loop at one time, for tests.
  var maximumPendingSeen: Int {
    condition.lock()
    defer { condition.unlock() }
    return highestPendingCount
  }

  /// Runs `fetch` on the pipeline's fetch thread and calls `store` on this thread with each
  /// batch that `fetch` passes to its submit closure, parsed, in submission order. Returns
  /// after `fetch` returned and every batch was stored.
  ///
  /// When `fetch` fails, the batches it submitted before are still stored, as a fetch without
  /// the pipeline would have stored them, and then its error is thrown. When `store` throws
  /// (a store failure or `CancellationError`), no later batch is stored: the next submit
  /// throws `Stopped`, and `run` waits for `fetch` to return and throws the error of `store`.
  ///
  /// `fetch` runs on another thread while this thread waits or runs `store`, so the two
  /// closures must not share mutable state.
  func run(
    store: (ParsedBatch, Context) throws -> Void,
    fetch: (_ submit: ([IMAPFetchedMessage], Context) throws -> Void) throws -> Void
  ) throws {
    condition.lock()
    (pending, isFetchFinished, fetchError, isStopped) = ([], false, nil, false)
    condition.unlock()

    try withoutActuallyEscaping(fetch) { fetch in
      // This call returns only after the fetch thread dropped its reference to `fetch`, as
      // `withoutActuallyEscaping` requires.
      let box = FetchBox(fetch: fetch)
      fetchQueue.async { [self] in
        var failure: Error?
        do {
          try box.fetch!({ messages, context in try self.submit(messages, context: context) })
        } catch {
          failure = error
        }
        condition.lock()
        box.fetch = nil
        isFetchFinished = true
        fetchError = failure
        condition.broadcast()
        condition.unlock()
      }

      do {
        while let (batch, context) = nextParsedBatch() {
          try store(batch, context)
        }
      } catch {
        condition.lock()
        isStopped = true
        condition.broadcast()
        while !isFetchFinished { condition.wait() }
        condition.unlock()
        throw error
      }
    }

    condition.lock()
    defer { condition.unlock() }
    if let fetchError { throw fetchError }
  }

  /// The fetch closure, held only while the fetch thread runs it.
  private final class FetchBox: @unchecked Sendable {
    var fetch: ((_ submit: ([IMAPFetchedMessage], Context) throws -> Void) throws -> Void)?

    init(fetch: @escaping (_ submit: ([IMAPFetchedMessage], Context) throws -> Void) throws -> Void) {
      self.fetch = fetch
    }
  }

  /// Queues `messages` for parsing, waiting while `maximumPending` batches are queued.
  private func submit(_ messages: [IMAPFetchedMessage], context: Context) throws {
    condition.lock()
    defer { condition.unlock() }
    while pending.count >= maximumPending && !isStopped { condition.wait() }
    if isStopped { throw Stopped() }

    let slot = Slot()
    pending.append((slot, context))
    highestPendingCount = max(highestPendingCount, pending.count)
    let parse = self.parse
    let condition = self.condition
    parseQueue.async {
      let batch = Self.parseBatch(messages, parse: parse)
      condition.lock()
      slot.batch = batch
      slot.isParsed = true
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Waits for the oldest batch to be parsed and removes it. Returns nil once the fetch has
  /// finished and every batch it submitted was returned.
  private func nextParsedBatch() -> (ParsedBatch, Context)? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let first = pending.first, first.slot.isParsed {
        pending.removeFirst()
        condition.broadcast()
        return (first.slot.batch, first.context)
      }
      if pending.isEmpty && isFetchFinished { return nil }
      condition.wait()
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
  /// The maximum count of batches waiting for the store, parsed or not. With the batch being
  /// stored, the one the fetch loop is submitting and the `maximumCommandsInFlight` batches
  /// being received, it bounds the messages held in memory.
  static let maximumPendingBatches = 2

  func makeParsingPipeline<Context>(for context: Context.Type) -> ParsingPipeline<Context> {
    ParsingPipeline(
      label: "kith.sync.account-\(account)", maximumPending: Self.maximumPendingBatches, parse: parse)
  }
}
