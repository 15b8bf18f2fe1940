import Foundation
import Testing

@testable import KithCore

@Suite struct ParsedBodyCacheTests {
  typealias Fixture = StoreFixture

  /// Returns a store with one message, whose body is "First body", and that message's id.
  private func storeWithOneMessage() throws -> (Store, MessageRowID) {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@example.com")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1, id: "a@x", body: "First body")])
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    return (store, id)
  }

  @Test func reloadedMessageIsNotParsedAgain() throws {
    let (store, id) = try storeWithOneMessage()

    let first = try #require(try store.messageDetail(id))
    let second = try #require(try store.messageDetail(id))

    #expect(first.bodyText == "First body")
    #expect(second == first)
    #expect(store.bodyCache.parseCount == 1)
  }

  @Test func changedRawIsParsedAgain() throws {
    let (store, id) = try storeWithOneMessage()
    _ = try store.messageDetail(id)

    // As when SQLite gives a deleted message's row id to a new message.
    let raw = Fixture.rawMessage(id: "b@x", subject: "Other", body: "Second body", attachments: [])
    try store.database.run("UPDATE messages_raw SET raw = ?1 WHERE message = ?2", raw, id)
    let detail = try #require(try store.messageDetail(id))

    #expect(detail.bodyText == "Second body")
    #expect(store.bodyCache.parseCount == 2)
  }

  @Test func oldestEntryLeavesWhenFull() {
    var cache = ParsedBodyCache()
    let raw = Data("Subject: x\r\n\r\nbody\r\n".utf8)
    let parse = { ParsedBodyCache.Body(text: "body", attachments: []) }
    for index in 0...ParsedBodyCache.capacity {
      _ = cache.body(of: MessageRowID(Int64(index)), raw: raw, parse: parse)
    }
    #expect(cache.parseCount == ParsedBodyCache.capacity + 1)

    _ = cache.body(of: MessageRowID(Int64(ParsedBodyCache.capacity)), raw: raw, parse: parse)
    #expect(cache.parseCount == ParsedBodyCache.capacity + 1)
    _ = cache.body(of: MessageRowID(0), raw: raw, parse: parse)
    #expect(cache.parseCount == ParsedBodyCache.capacity + 2)
  }
}
