import Dispatch
import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Returns every field of a parsed message in one string, so that two parses can be
/// compared and the output of two builds can be diffed line by line.
func parsedMessageFingerprint(_ message: ParsedMessage) -> String {
  var fields: [String] = []
  fields.append("id=\(message.messageID ?? "-") reply=\(message.inReplyTo ?? "-")")
  fields.append("refs=\(message.references.joined(separator: " "))")
  fields.append("subject=\(message.subject ?? "-")")
  for (name, list) in [("from", message.from), ("to", message.to), ("cc", message.cc), ("reply-to", message.replyTo)] {
    fields.append("\(name)=" + list.map { "\($0.name ?? "-") <\($0.email)>" }.joined(separator: ", "))
  }
  fields.append("date=\(message.date.map { String($0.timeIntervalSince1970) } ?? "-")")
  for attachment in message.attachments {
    fields.append("attachment=\(attachment.filename ?? "-") \(attachment.mimeType) \(attachment.size)")
  }
  for note in message.notes { fields.append("note=\(note)") }
  fields.append("body=\(message.bodyText)")
  return fields.joined(separator: "\n")
}

/// Checks that parsing on several threads at once gives the same results as parsing on one.
@Suite struct ParserSpeedConcurrencyTests {
  @Test func corpusParsesAlikeOnFourThreads() throws {
    let names = try Fixtures.corpusFileNames()
    let raws = try names.map { try Fixtures.corpusMessage($0) }
    #expect(raws.count >= 200)
    let expected = raws.map { parsedMessageFingerprint(MessageParser.parse($0)) }

    // Four threads each parse every message, starting at different offsets, so that
    // different messages are in flight at the same moment.
    let threadCount = 4
    let results = ConcurrentResults(threadCount: threadCount, messageCount: raws.count)
    DispatchQueue.concurrentPerform(iterations: threadCount) { thread in
      for step in 0..<raws.count {
        let index = (step + thread * raws.count / threadCount) % raws.count
        results.store(parsedMessageFingerprint(MessageParser.parse(raws[index])), thread: thread, index: index)
      }
    }
    for thread in 0..<threadCount {
      let mismatches = (0..<raws.count).filter { results.value(thread: thread, index: $0) != expected[$0] }
      #expect(mismatches.isEmpty, "thread \(thread) differs on \(mismatches.map { names[$0] })")
    }
  }
}

/// A table of fingerprints that several threads fill, each in its own row.
private final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private var rows: [[String]]

  init(threadCount: Int, messageCount: Int) {
    rows = Array(repeating: Array(repeating: "", count: messageCount), count: threadCount)
  }

  func store(_ value: String, thread: Int, index: Int) {
    lock.lock()
    defer { lock.unlock() }
    rows[thread][index] = value
  }

  func value(thread: Int, index: Int) -> String {
    lock.lock()
    defer { lock.unlock() }
    return rows[thread][index]
  }
}

/// Measures parse speed, only when `KITH_PARSE_BENCH=1`. Run it in release mode:
///
///     KITH_PARSE_BENCH=1 swift test -c release -Xswiftc -enable-testing \
///       --filter ParserSpeedBenchmark
///
/// `-enable-testing` is needed because the tests import KithCore with `@testable`.
/// It reads the generated messages in `bench/cache/messages-v1-n10000-seed1` (or the folder
/// in `KITH_PARSE_BENCH_DIR`) and the corpus, and prints messages per second for each.
/// `KITH_PARSE_BENCH_ROUNDS=N` sets the number of rounds for every set.
/// With `KITH_PARSE_DUMP=FOLDER` it also writes the fingerprint of every parsed message
/// to FOLDER/generated.txt and FOLDER/corpus.txt, so that two builds' output can be diffed.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KITH_PARSE_BENCH"] == "1"))
struct ParserSpeedBenchmark {
  static let environment = ProcessInfo.processInfo.environment

  static var generatedDirectory: URL {
    if let path = environment["KITH_PARSE_BENCH_DIR"] { return URL(fileURLWithPath: path) }
    return Fixtures.repositoryRoot.appendingPathComponent("bench/cache/messages-v1-n10000-seed1")
  }

  @Test func generatedMessages() throws {
    let directory = Self.generatedDirectory
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".eml") }.sorted()
    #expect(!names.isEmpty, "no .eml files in \(directory.path); generate them with bench/lib/generate_messages.py")
    let raws = try names.map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    if Self.environment["KITH_PARSE_BENCH_CRLF_ONLY"] != "1" {
      try measure("generated", raws, rounds: 3)
    }
    // IMAP servers send messages with CR LF line ends, while the files use LF as a Maildir does.
    try measure("generated-crlf", raws.map(Self.withCRLF), rounds: 3)
  }

  private static func withCRLF(_ raw: Data) -> Data {
    var output: [UInt8] = []
    output.reserveCapacity(raw.count + raw.count / 16)
    raw.withUnsafeBytes { bytes in
      for byte in bytes {
        if byte == 0x0A { output.append(0x0D) }
        output.append(byte)
      }
    }
    return Data(output)
  }

  @Test func corpusMessages() throws {
    let raws = try Fixtures.corpusFileNames().map { try Fixtures.corpusMessage($0) }
    #expect(raws.count >= 200)
    try measure("corpus", raws, rounds: 10)
  }

  /// Parses every message `rounds` times and prints the best round's wall time and the
  /// parsing thread's CPU time. The best round counts, because other jobs on a shared
  /// machine only ever make a round slower, and the CPU time leaves out the time that
  /// those jobs take the core away.
  private func measure(_ label: String, _ raws: [Data], rounds defaultRounds: Int) throws {
    // More rounds show whether memory stays flat: compare the peak RSS of two round counts.
    let rounds = Self.environment["KITH_PARSE_BENCH_ROUNDS"].flatMap { Int($0) } ?? defaultRounds
    let bytes = raws.reduce(0) { $0 + $1.count }
    var bestWall = Double.infinity
    var bestCPU = Double.infinity
    var bodyCharacters = 0
    for _ in 0..<rounds {
      let startWall = DispatchTime.now().uptimeNanoseconds
      let startCPU = Self.threadCPUSeconds()
      bodyCharacters = 0
      for raw in raws { bodyCharacters += MessageParser.parse(raw).bodyText.utf8.count }
      bestCPU = min(bestCPU, Self.threadCPUSeconds() - startCPU)
      bestWall = min(bestWall, Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e9)
    }
    #expect(bodyCharacters > 0)
    print(
      "parse \(label): \(raws.count) messages, \(bytes / 1_000_000) MB, best of \(rounds): "
        + String(
          format: "wall %.3f s (%.0f messages/s), CPU %.3f s (%.0f messages/s, %.1f MB/s)",
          bestWall, Double(raws.count) / bestWall, bestCPU, Double(raws.count) / bestCPU,
          Double(bytes) / 1e6 / bestCPU))

    if let folder = Self.environment["KITH_PARSE_DUMP"] {
      let text = raws.map { parsedMessageFingerprint(MessageParser.parse($0)) }
        .joined(separator: "\n\u{1E}\n")
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      try text.write(toFile: folder + "/\(label).txt", atomically: true, encoding: .utf8)
    }
  }

  /// Returns the CPU time of the calling thread in seconds. Swift Testing runs each test
  /// body on one thread as long as it does not suspend, and `measure` does not.
  private static func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
}
