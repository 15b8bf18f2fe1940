import Foundation
import Testing

@testable import KithCore

@Suite struct StoreThreadTests {
  typealias Fixture = StoreFixture

  private func makeStore() throws -> (Store, AccountID) {
    let store = try Store.inMemory()
    return (store, try store.accountID(forKey: "me@home.net"))
  }

  private func store(_ messages: [FetchedMessage], in store: Store, account: AccountID, folder: String = "INBOX")
    throws
  {
    try store.storeFetched(account: account, folder: folder, uidValidity: 1, messages: messages)
  }

  @Test func replyChainSharesThread() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "a@x", subject: "Plan"),
        Fixture.message(uid: 2, id: "b@x", inReplyTo: "<a@x>", references: ["a@x"], subject: "Re: Plan"),
        Fixture.message(uid: 3, id: "c@x", inReplyTo: "<b@x>", references: ["a@x", "b@x"], subject: "Re: Plan"),
        Fixture.message(uid: 4, id: "d@x", subject: "Other"),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2, 3, 4])

    #expect(threads[0] == threads[1])
    #expect(threads[1] == threads[2])
    #expect(threads[3] != threads[0])
  }

  @Test func inboxAndSentShareThread() throws {
    let (store, account) = try makeStore()
    try self.store([Fixture.message(uid: 1, id: "a@x", subject: "Plan")], in: store, account: account)
    try self.store(
      [Fixture.message(uid: 1, id: "b@x", inReplyTo: "<a@x>", subject: "Re: Plan")],
      in: store, account: account, folder: "Sent")

    let inbox = try Fixture.threads(store, account: account, uids: [1])
    let sent = try Fixture.threads(store, account: account, folder: "Sent", uids: [1])
    #expect(inbox == sent)
  }

  @Test func accountsDoNotShareThreads() throws {
    let (store, account) = try makeStore()
    let other = try store.accountID(forKey: "other@home.net")
    try self.store([Fixture.message(uid: 1, id: "a@x")], in: store, account: account)
    try self.store([Fixture.message(uid: 1, id: "b@x", inReplyTo: "a@x")], in: store, account: other)

    let first = try Fixture.threads(store, account: account, uids: [1])
    let second = try Fixture.threads(store, account: other, uids: [1])
    #expect(first != second)
  }

  @Test func repliesToMissingParentShareThread() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "b@x", inReplyTo: "<missing@x>", subject: "Re: Plan"),
        Fixture.message(uid: 2, id: "c@x", references: ["missing@x"], subject: "Re: Plan (2)"),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(threads[0] == threads[1])
  }

  @Test func childBeforeParentSharesThread() throws {
    let (store, account) = try makeStore()
    try self.store(
      [Fixture.message(uid: 9, id: "b@x", inReplyTo: "<a@x>", subject: "Re: Plan")], in: store, account: account)
    try self.store([Fixture.message(uid: 1, id: "a@x", subject: "Plan")], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [9, 1])
    #expect(threads[0] == threads[1])
  }

  @Test func lateParentMergesTwoThreads() throws {
    let (store, account) = try makeStore()
    // b and c reply to different messages, so they start apart; d names both a and c.
    try self.store(
      [
        Fixture.message(uid: 1, id: "b@x", inReplyTo: "<a@x>", subject: "Re: Plan"),
        Fixture.message(uid: 2, id: "c@x", subject: "Plan, part two"),
      ], in: store, account: account)
    let before = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(before[0] != before[1])

    try self.store(
      [Fixture.message(uid: 3, id: "d@x", inReplyTo: "<c@x>", references: ["a@x", "c@x"], subject: "Re: Plan")],
      in: store, account: account)

    let after = try Fixture.threads(store, account: account, uids: [1, 2, 3])
    #expect(after[0] == after[1])
    #expect(after[1] == after[2])
    let threadRows = try store.database.firstRow("SELECT count(*) FROM threads") { $0.int(0) }
    #expect(threadRows == 1)
    #expect(try store.messageDetails(in: after[0]).count == 3)
  }

  @Test func referenceCycleStaysOneThread() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "a@x", references: ["b@x"]),
        Fixture.message(uid: 2, id: "b@x", references: ["a@x"]),
        Fixture.message(uid: 3, id: "c@x", references: ["c@x"]),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2, 3])
    #expect(threads[0] == threads[1])
    #expect(threads[2] != threads[0])
    #expect(try store.integrityCheck())
  }

  @Test func subjectJoinsReplyWithoutReferences() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "a@x", subject: "Quote for March"),
        Fixture.message(uid: 2, id: "b@x", subject: "RE: [sales] AW: quote  for march"),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(threads[0] == threads[1])
  }

  @Test func subjectJoinsOriginalArrivingAfterReply() throws {
    let (store, account) = try makeStore()
    try self.store([Fixture.message(uid: 2, id: "b@x", subject: "Re: Lunch")], in: store, account: account)
    try self.store([Fixture.message(uid: 1, id: "a@x", subject: "Lunch")], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [2, 1])
    #expect(threads[0] == threads[1])
  }

  @Test func sameSubjectWithoutPrefixStaysApart() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "a@x", subject: "Hello"),
        Fixture.message(uid: 2, id: "b@x", subject: "Hello"),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(threads[0] != threads[1])
  }

  @Test func subjectIgnoredWhenReferencesExist() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: "a@x", subject: "Invoice"),
        // Same subject, but its In-Reply-To names another conversation.
        Fixture.message(uid: 2, id: "b@x", inReplyTo: "<elsewhere@x>", subject: "Re: Invoice"),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(threads[0] != threads[1])
  }

  @Test func messagesWithoutIDGetOwnThreads() throws {
    let (store, account) = try makeStore()
    try self.store(
      [
        Fixture.message(uid: 1, id: nil, subject: nil),
        Fixture.message(uid: 2, id: nil, subject: nil),
      ], in: store, account: account)

    let threads = try Fixture.threads(store, account: account, uids: [1, 2])
    #expect(threads[0] != threads[1])
  }

  /// Stores the same conversation forest in many orders and batch splits; the grouping must
  /// match the pure threader's on the whole set every time.
  @Test func incrementalMatchesFullThreading() throws {
    var generator = SeededGenerator(seed: 7)
    let messages = ThreadingFixture.randomForest(count: 120, using: &generator)
    let expected = ThreadingFixture.partition(
      Threader.buildThreads(messages.map(\.threadable)), count: messages.count)
    // The forest must hold several conversations, some long, or the comparison proves little.
    #expect(expected.count > 5)
    #expect(expected.contains { $0.count > 10 })

    for round in 0..<6 {
      let (store, account) = try makeStore()
      let order = messages.indices.shuffled(using: &generator)
      let batchSize = [1, 7, 120][round % 3]
      for start in stride(from: 0, to: order.count, by: batchSize) {
        let batch = order[start..<min(start + batchSize, order.count)].map { index in
          let message = messages[index].threadable
          return Fixture.message(
            uid: UID(index + 1), id: message.messageID, inReplyTo: message.inReplyTo,
            references: message.references, subject: message.subject)
        }
        try self.store(batch, in: store, account: account)
      }

      let threads = try Fixture.threads(store, account: account, uids: messages.indices.map { UID($0 + 1) })
      var groups: [ThreadID: Set<Int>] = [:]
      for (index, thread) in threads.enumerated() { groups[thread, default: []].insert(index) }
      #expect(Set(groups.values) == expected, "round \(round)")
    }
  }
}
