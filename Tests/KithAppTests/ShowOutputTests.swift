import Foundation
import KithCore
import KithTestSupport
import Testing

/// `kith show FILE` prints header and body text taken from the message, which may carry
/// terminal escape sequences.
@Suite struct ShowOutputTests {
  private static let hostileMessage = """
    From: Esc\u{1B}]0;title\u{07} Name <esc@example.test>\r
    To: Bob <bob@example.test>\r
    Subject: Red\u{1B}[31m subject\u{9B}2J\r
    Date: Mon, 1 Jan 2024 10:00:00 +0000\r
    Content-Type: text/plain; charset=utf-8\r
    \r
    Body with a clear screen \u{1B}[2J and a bell \u{07} in it.\r

    """

  @Test func showOutputHasNoControls() throws {
    let folder = try makeTestFolder("show-output")
    defer { try? FileManager.default.removeItem(at: folder) }
    let message = folder.appendingPathComponent("hostile.eml")
    try Data(Self.hostileMessage.utf8).write(to: message)

    let result = try KithProcess(folder: folder).run(["show", message.path])

    #expect(result.status == 0)
    let controls = result.standardOutput.unicodeScalars.filter {
      ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value)
    }
    #expect(controls.isEmpty, "output: \(result.standardOutput.debugDescription)")
    #expect(result.standardOutput.contains("Body with a clear screen"))
    #expect(result.standardOutput.contains("subject"))
  }

  /// The pane shows the server's arrival time for a message without a Date header, and
  /// `kith show --id` prints what the pane shows.
  @Test func storedMessageWithoutDateShowsArrival() throws {
    let folder = try makeTestFolder("show-arrival")
    defer { try? FileManager.default.removeItem(at: folder) }
    let storePath = folder.appendingPathComponent("kith.sqlite").path
    let raw = Data("From: Ann <ann@example.test>\r\nSubject: no date\r\n\r\nBody\r\n".utf8)
    // 2023-11-14 22:13:20 UTC, a day away from any date in the other fields.
    let arrival = Date(timeIntervalSince1970: 1_700_000_000)
    do {
      let store = try Store(path: storePath)
      let account = try store.accountID(forKey: "ann@example.test")
      let message = FetchedMessage(
        uid: 1, flags: [], internalDate: arrival, raw: raw, parsed: MessageParser.parseHeaders(raw))
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [message])
    }

    let result = try KithProcess(folder: folder).run(["show", "--id", "1", "--store", storePath])

    #expect(result.status == 0)
    #expect(!result.standardOutput.contains("(no date)"), "output: \(result.standardOutput)")
    #expect(result.standardOutput.contains("2023"), "output: \(result.standardOutput)")
  }
}
