import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Parses every corpus message and checks that each field is either filled or explicitly
/// empty. Set `KITH_RENDER_DIR` to also write each rendered message there for reading.
@Suite struct CorpusParsingTests {
  static let fileNames: [String] = (try? Fixtures.corpusFileNames()) ?? []

  /// Corpus messages without any text to show, each checked by reading the file: no body,
  /// only attachments, empty text parts, or encrypted or truncated content.
  static let emptyBodies: Set<String> = [
    "028", "032", "033", "039", "040", "043", "044", "056", "060", "061", "103", "106", "119",
    "120", "125", "128", "130", "131", "134", "139", "140", "141", "158", "170", "172", "188",
    "189", "190", "193", "194",
  ]

  @Test func corpusIsPresent() {
    #expect(Self.fileNames.count >= 200)
  }

  @Test(arguments: fileNames)
  func corpusMessageParses(_ name: String) throws {
    let raw = try Fixtures.corpusMessage(name)
    let message = MessageParser.parse(raw)

    // Nil subject and empty lists are the explicit "none"; present values must be usable.
    if let subject = message.subject { #expect(!subject.contains("\0"), "subject of \(name)") }
    for address in message.from { #expect(!address.email.isEmpty || address.name != nil, "From of \(name)") }
    #expect(!message.bodyText.hasSuffix("\n"), "body of \(name) ends in a line feed")
    let isEmptyExpected = Self.emptyBodies.contains(String(name.prefix(3)))
    #expect(message.bodyText.isEmpty == isEmptyExpected, "body of \(name)")
    #expect(!message.bodyText.hasPrefix("\n"), "body of \(name) starts with a line feed")
    let rendered = MessageRenderer.render(message, timeZone: TimeZone(identifier: "UTC")!)
    #expect(rendered.hasPrefix("From: "))

    if let folder = ProcessInfo.processInfo.environment["KITH_RENDER_DIR"] {
      let url = URL(fileURLWithPath: folder).appendingPathComponent(name + ".txt")
      try rendered.write(to: url, atomically: true, encoding: .utf8)
    }
  }

  @Test func wholeCorpusParsesQuickly() throws {
    let messages = try Self.fileNames.map { try Fixtures.corpusMessage($0) }
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      for raw in messages { _ = MessageParser.parse(raw) }
    }
    print("Parsed \(messages.count) corpus messages in \(elapsed)")
    #expect(elapsed < .seconds(20))
  }
}
