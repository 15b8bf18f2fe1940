import Foundation
import Testing

@testable import KithCore

/// Timings at the size the store is built for (100,000 messages). It takes tens of seconds,
/// so it runs only when `KITH_SCALE_TESTS=1` is set.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KITH_SCALE_TESTS"] == "1"))
struct StoreScaleTests {
  @Test func hundredThousandMessages() throws {
    let folder = try StoreFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try Store(path: folder.appendingPathComponent("scale.sqlite").path)
    let account = try store.accountID(forKey: "me@home.net")
    let me = Address(name: "Me", email: "me@home.net")
    var generator = SeededGenerator(seed: 1)

    let contactCount = 2_000
    for index in 0..<contactCount {
      _ = try store.addContact(name: "Contact \(index)", emails: ["c\(index)@example.com"])
    }

    let messageCount = 100_000
    let batchSize = 1_000
    let insertStart = Date()
    for batchStart in stride(from: 0, to: messageCount, by: batchSize) {
      let batch = (batchStart..<batchStart + batchSize).map { index -> FetchedMessage in
        // Three senders in four are contacts; a message replies to a recent one half the time.
        let sender = Int.random(in: 0..<(contactCount * 4 / 3), using: &generator)
        let parent = index > 10 && Bool.random(using: &generator) ? index - Int.random(in: 1...10, using: &generator) : nil
        return StoreFixture.message(
          uid: UID(index + 1), id: "m\(index)@scale", inReplyTo: parent.map { "<m\($0)@scale>" },
          subject: parent == nil ? "Topic \(index)" : "Re: Topic", from: [Address(name: "Sender \(sender)", email: "C\(sender)@Example.com")],
          to: [me], minutes: Double(index), flags: index % 3 == 0 ? [] : ["\\Seen"])
      }
      try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: batch)
    }
    let insertSeconds = Date().timeIntervalSince(insertStart)

    let summariesStart = Date()
    let summaries = try store.contactSummaries()
    let summariesSeconds = Date().timeIntervalSince(summariesStart)

    let busiest = try #require(summaries.first)
    let threadsStart = Date()
    let threads = try store.threadSummaries(for: busiest.id)
    let threadsSeconds = Date().timeIntervalSince(threadsStart)

    let detailsStart = Date()
    let details = try store.messageDetails(in: try #require(threads.first).id)
    let detailsSeconds = Date().timeIntervalSince(detailsStart)

    print(
      "scale: insert \(insertSeconds)s, contactSummaries \(summariesSeconds)s, threadSummaries \(threadsSeconds)s (\(threads.count) threads), messageDetails \(detailsSeconds)s (\(details.count) messages)"
    )
    #expect(try store.messageCount(account: account, folder: "INBOX") == messageCount)
    #expect(summaries.count == contactCount)
    #expect(summariesSeconds < 5)
    #expect(threadsSeconds < 2)
    #expect(detailsSeconds < 1)
    #expect(try store.integrityCheck())
  }
}
