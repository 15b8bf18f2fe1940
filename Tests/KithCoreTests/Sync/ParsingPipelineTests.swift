import Dispatch
import Foundation
import Testing

@testable import KithCore

/// Parses a body by taking its text as the subject, after a short sleep that varies by
/// message, so that concurrent parses finish out of order.
private let subjectParse: @Sendable (Data) -> ParsedMessage = { body in
  let text = String(decoding: body, as: UTF8.self)
  usleep(UInt32(text.count % 3) * 1000)
  return ParsedMessage(subject: text)
}

private func makeBatch(_ uids: ClosedRange<UID>) -> [IMAPFetchedMessage] {
  uids.map { uid in
    IMAPFetchedMessage(
      uid: uid, flags: ["\\Seen"], internalDate: nil, size: 100, body: Data("message \(uid)".utf8),
      modSeq: nil)
  }
}

private struct FetchFailure: Error {}

@Suite struct ParsingPipelineTests {
  @Test func batchesReturnInOrder() throws {
    let pipeline = ParsingPipeline<Int>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    var stored: [(Int, [UID], [String?])] = []
    try pipeline.run(store: { batch, number in
      stored.append((number, batch.messages.map(\.uid), batch.messages.map(\.parsed.subject)))
    }) { submit in
      for number in 0..<6 {
        let first = UID(number * 20 + 1)
        try submit(makeBatch(first...(first + 19)), number)
      }
    }

    #expect(stored.map(\.0) == Array(0..<6))
    #expect(stored.flatMap(\.1) == Array(1...120))
    #expect(stored.flatMap(\.2) == (1...120).map { "message \($0)" })
  }

  @Test func batchKeepsFlagsAndSize() throws {
    let pipeline = ParsingPipeline<Void>(label: "test.parse", maximumPending: 1, parse: subjectParse)
    var batches: [ParsedBatch] = []
    try pipeline.run(store: { batch, _ in batches.append(batch) }) { submit in
      try submit(makeBatch(1...3), ())
    }

    #expect(batches.count == 1)
    #expect(batches.first?.byteCount == 300)
    #expect(batches.first?.messages.map(\.flags) == [["\\Seen"], ["\\Seen"], ["\\Seen"]])
    #expect(batches.first?.messages.map(\.raw) == makeBatch(1...3).map(\.body))
  }

  @Test func pendingBatchesStayBounded() throws {
    let pipeline = ParsingPipeline<Int>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    var storedCount = 0
    try pipeline.run(store: { _, _ in
      // A slow store makes the fetch wait for free room.
      usleep(5000)
      storedCount += 1
    }) { submit in
      for number in 0..<10 {
        try submit(makeBatch(1...5), number)
      }
    }

    #expect(pipeline.maximumPendingSeen <= 2)
    #expect(storedCount == 10)
  }

  @Test func storeRunsOnCallingThread() throws {
    let pipeline = ParsingPipeline<Void>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    let caller = pthread_self()
    var storeThreads: [pthread_t] = []
    var fetchThread: pthread_t?
    try pipeline.run(store: { _, _ in storeThreads.append(pthread_self()) }) { submit in
      fetchThread = pthread_self()
      try submit(makeBatch(1...2), ())
      try submit(makeBatch(3...4), ())
    }

    #expect(storeThreads.count == 2)
    #expect(storeThreads.allSatisfy { pthread_equal($0, caller) != 0 })
    #expect(fetchThread.map { pthread_equal($0, caller) == 0 } == true)
  }

  @Test func emptyFetchStoresNothing() throws {
    let pipeline = ParsingPipeline<Void>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    var storedCount = 0
    try pipeline.run(store: { _, _ in storedCount += 1 }) { _ in }
    #expect(storedCount == 0)
  }

  @Test func fetchFailureStoresDeliveredBatches() throws {
    let pipeline = ParsingPipeline<Int>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    var stored: [Int] = []
    #expect(throws: FetchFailure.self) {
      try pipeline.run(store: { _, number in stored.append(number) }) { submit in
        for number in 0..<3 {
          try submit(makeBatch(1...5), number)
        }
        throw FetchFailure()
      }
    }
    #expect(stored == [0, 1, 2])
  }

  @Test func storeFailureStopsLaterBatches() throws {
    let pipeline = ParsingPipeline<Int>(label: "test.parse", maximumPending: 2, parse: subjectParse)
    var stored: [Int] = []
    var submitted = 0
    #expect(throws: CancellationError.self) {
      try pipeline.run(store: { _, number in
        if number == 1 { throw CancellationError() }
        stored.append(number)
      }) { submit in
        // The submit after the failed store throws, which ends this loop.
        for number in 0..<8 {
          submitted += 1
          try submit(makeBatch(1...5), number)
        }
      }
    }
    #expect(stored == [0])
    #expect(submitted < 8)
  }
}
