import Foundation
import Testing

@testable import KithCore

/// The store side of resync, without a server: complete UID ranges, server flags against
/// pending changes, and local state carried across a UIDVALIDITY change.
@Suite struct ResyncStoreTests {
  private func makeStore() throws -> (Store, AccountID) {
    let store = try Store.inMemory()
    return (store, try store.accountID(forKey: "ann@example.com"))
  }

  @Test func rangeGrowsDownwardAndUpward() throws {
    let (store, account) = try makeStore()
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9,
      messages: [StoreFixture.message(uid: 9, id: "9@x"), StoreFixture.message(uid: 10, id: "10@x")],
      completing: 9...10)
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9, messages: [StoreFixture.message(uid: 5, id: "5@x")],
      completing: 5...8)
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9, messages: [StoreFixture.message(uid: 12, id: "12@x")],
      completing: 11...12)

    let state = try #require(try store.folderState(account: account, folder: "INBOX"))
    #expect(state.lowestUID == 5)
    #expect(state.highestUID == 12)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [5, 9, 10, 12])
  }

  @Test func rangeWithGapIsRejected() throws {
    let (store, account) = try makeStore()
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9, messages: [StoreFixture.message(uid: 9, id: "9@x")],
      completing: 9...9)

    #expect(throws: KithError.self) {
      try store.storeFetched(
        account: account, folder: "INBOX", uidValidity: 9, messages: [StoreFixture.message(uid: 3, id: "3@x")],
        completing: 3...4)
    }
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [9])
    #expect(try store.folderState(account: account, folder: "INBOX")?.lowestUID == 9)
  }

  @Test func serverFlagsKeepPendingChange() throws {
    let (store, account) = try makeStore()
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9,
      messages: [StoreFixture.message(uid: 1, id: "1@x"), StoreFixture.message(uid: 2, id: "2@x")],
      completing: 1...2)
    let first = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    let second = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 2))
    try store.markSeen([first])

    let changed = try store.applyServerFlags(
      account: account, folder: "INBOX", flags: [1: ["\\Flagged"], 2: ["\\Seen"], 7: ["\\Seen"]])

    #expect(changed == 2)
    #expect(Set(try store.flags(of: first) ?? []) == ["\\Flagged", "\\Seen"])
    #expect(try store.flags(of: second) == ["\\Seen"])
    #expect(try store.pendingFlagChanges(account: account).count == 1)
  }

  @Test func clearKeepsReversedChange() throws {
    let (store, account) = try makeStore()
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9, messages: [StoreFixture.message(uid: 1, id: "1@x")],
      completing: 1...1)
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    try store.markSeen([id])
    let sent = try #require(try store.pendingFlagChanges(account: account).first)
    try store.markUnseen([id])

    try store.clearPendingFlagChange(sent)

    let left = try store.pendingFlagChanges(account: account)
    #expect(left.count == 1)
    #expect(left.first?.isAdded == false)
  }

  @Test func resetCarriesLocalStateByMessageID() throws {
    let (store, account) = try makeStore()
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 9,
      messages: [StoreFixture.message(uid: 1, id: "a@x"), StoreFixture.message(uid: 2, id: "b@x")],
      completing: 1...2)
    let first = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    try store.markSeen([first])

    try store.resetFolder(account: account, folder: "INBOX", uidValidity: 10)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 0)
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 10,
      messages: [StoreFixture.message(uid: 7, id: "a@x"), StoreFixture.message(uid: 8, id: "b@x")],
      completing: 7...8)

    let copy = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 7))
    let other = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 8))
    #expect(try store.flags(of: copy) == ["\\Seen"])
    #expect(try store.flags(of: other) == [])
    let pending = try store.pendingFlagChanges(account: account)
    #expect(pending.map(\.message) == [copy])
    #expect(pending.first?.location.uidValidity == 10)
  }
}
