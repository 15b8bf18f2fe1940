import Foundation
import Testing

@testable import KithCore

private func serverStatus(uidValidity: UInt32 = 7, uidNext: UID? = 11, exists: UInt32 = 10)
  -> IMAPMailboxStatus
{
  IMAPMailboxStatus(
    name: "INBOX", uidValidity: uidValidity, uidNext: uidNext, exists: exists, highestModSeq: nil,
    isReadOnly: true)
}

@Test(arguments: [
  // (stored, server, expected plan)
  (nil, serverStatus(), FolderSyncPlan(resetsFolder: false, fetchesAboveUID: 0, isUpToDate: false)),
  (nil, serverStatus(exists: 0), FolderSyncPlan(resetsFolder: false, fetchesAboveUID: 0, isUpToDate: true)),
  (
    FolderSyncState(uidValidity: 7, highestUID: 10), serverStatus(),
    FolderSyncPlan(resetsFolder: false, fetchesAboveUID: 10, isUpToDate: true)
  ),
  (
    FolderSyncState(uidValidity: 7, highestUID: 4), serverStatus(),
    FolderSyncPlan(resetsFolder: false, fetchesAboveUID: 4, isUpToDate: false)
  ),
  (
    FolderSyncState(uidValidity: 7, highestUID: 4), serverStatus(uidNext: nil),
    FolderSyncPlan(resetsFolder: false, fetchesAboveUID: 4, isUpToDate: false)
  ),
  (
    FolderSyncState(uidValidity: 6, highestUID: 10), serverStatus(),
    FolderSyncPlan(resetsFolder: true, fetchesAboveUID: 0, isUpToDate: false)
  ),
  (
    FolderSyncState(uidValidity: 6, highestUID: 10), serverStatus(exists: 0),
    FolderSyncPlan(resetsFolder: true, fetchesAboveUID: 0, isUpToDate: true)
  ),
  (
    FolderSyncState(uidValidity: 7, highestUID: UID.max), serverStatus(uidNext: nil),
    FolderSyncPlan(resetsFolder: false, fetchesAboveUID: UID.max, isUpToDate: false)
  ),
])
func folderPlanCases(stored: FolderSyncState?, server: IMAPMailboxStatus, expected: FolderSyncPlan) {
  #expect(FolderSyncPlan.make(stored: stored, server: server) == expected)
}

@Test func batchesRespectCountAndBytes() {
  let messages: [(uid: UID, size: Int)] = [(1, 100), (2, 100), (3, 100), (4, 1000), (5, 10), (6, 10)]

  #expect(FetchBatchPlanner.makeBatches(messages, maximumMessages: 2, maximumBytes: 10_000) == [[1, 2], [3, 4], [5, 6]])
  #expect(FetchBatchPlanner.makeBatches(messages, maximumMessages: 10, maximumBytes: 250) == [[1, 2], [3], [4], [5, 6]])
  #expect(FetchBatchPlanner.makeBatches([], maximumMessages: 10, maximumBytes: 250).isEmpty)
  #expect(FetchBatchPlanner.makeBatches(messages, maximumMessages: 0, maximumBytes: 0).count == 6)
}

@Test func sentFoundBySpecialUse() {
  let mailboxes = [
    IMAPMailbox(name: "INBOX", delimiter: "/", attributes: []),
    IMAPMailbox(name: "Sent", delimiter: "/", attributes: []),
    IMAPMailbox(name: "Gesendet", delimiter: "/", attributes: ["\\HasNoChildren", "\\sent"]),
  ]
  #expect(FolderSelection.findSent(in: mailboxes)?.name == "Gesendet")
}

@Test func sentFoundByName() {
  let mailboxes = [
    IMAPMailbox(name: "inbox", delimiter: ".", attributes: []),
    IMAPMailbox(name: "Archive.2019.Sent", delimiter: ".", attributes: []),
    IMAPMailbox(name: "INBOX.Sent Items", delimiter: ".", attributes: []),
    IMAPMailbox(name: "Sent Messages", delimiter: ".", attributes: ["\\Noselect"]),
  ]
  #expect(FolderSelection.findSent(in: mailboxes)?.name == "Archive.2019.Sent")
  #expect(FolderSelection.findInbox(in: mailboxes) == "inbox")
  #expect(FolderSelection.findSent(in: Array(mailboxes.dropFirst(1).dropFirst(1)))?.name == "INBOX.Sent Items")
  #expect(FolderSelection.findSent(in: [mailboxes[3]]) == nil)
  #expect(FolderSelection.findInbox(in: []) == "INBOX")
}

@Test func mailboxNameQuoting() throws {
  #expect(try IMAPClient.quoted("Sent Items") == "\"Sent Items\"")
  #expect(try IMAPClient.quoted("a\"b\\c") == "\"a\\\"b\\\\c\"")
  #expect(throws: KithError.self) { try IMAPClient.quoted("line\r\nbreak") }
  #expect(throws: KithError.self) { try IMAPClient.quoted("Entw\u{00FC}rfe") }
}

@Test func connectionOptionsValidateHost() throws {
  let good = IMAPConnectionOptions(host: "::1", port: 993, security: .tls, login: "u", password: "secret")
  #expect(try good.makeURL() == "imaps://[::1]:993/")
  #expect(!good.description.contains("secret"))
  var starttls = good
  starttls.host = "127.0.0.1"
  starttls.security = .starttls
  #expect(try starttls.makeURL() == "imap://127.0.0.1:993/")

  for host in ["", "evil.example/x", "user@host", "a b"] {
    var bad = good
    bad.host = host
    #expect(throws: KithError.self, "host \(host)") { try bad.makeURL() }
  }
  var badPort = good
  badPort.port = 0
  #expect(throws: KithError.self) { try badPort.makeURL() }
}

@Test func unreachablePortIsNetworkError() throws {
  // Port 1 on loopback has no listener on any normal machine, so the connect is refused.
  let options = IMAPConnectionOptions(
    host: "127.0.0.1", port: 1, security: .tls, login: "u", password: "p", timeout: 5)
  do {
    _ = try IMAPConnection(options: options)
    Issue.record("connecting to port 1 succeeded")
  } catch let error as KithError {
    #expect(error.code == .network)
    #expect(error.message == "Connecting to 127.0.0.1:1 failed: check the host and port, and that the server is running.")
  }
}

@Test(arguments: [
  ("INBOX", "INBOX"),
  ("Entw\u{00FC}rfe", "Entw&APw-rfe"),
  ("Tom & Jerry", "Tom &- Jerry"),
  ("\u{65E5}\u{672C}\u{8A9E}", "&ZeVnLIqe-"),
  ("~peter/mail/\u{53F0}\u{5317}/\u{65E5}\u{672C}\u{8A9E}", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
  ("mail \u{1F4EC}", "mail &2D3c7A-"),
])
func modifiedUTF7RoundTrip(decoded: String, encoded: String) {
  #expect(ModifiedUTF7.encode(decoded) == encoded)
  #expect(ModifiedUTF7.decode(encoded) == decoded)
}

@Test func modifiedUTF7RejectsInvalid() {
  #expect(ModifiedUTF7.decode("Entw&APw") == nil)
  #expect(ModifiedUTF7.decode("&2D0-") == nil)
  #expect(ModifiedUTF7.decode("caf\u{00E9}") == nil)
  #expect(IMAPMailbox(name: "caf\u{00E9}", delimiter: "/", attributes: []).displayName == "caf\u{00E9}")
  #expect(IMAPMailbox(name: "Entw&APw-rfe", delimiter: "/", attributes: []).displayName == "Entw\u{00FC}rfe")
}

@Test func pipelineDeliversBatchesInOrder() throws {
  var pipeline = FetchPipeline(batches: [[1, 2], [3]])
  pipeline.markSent(tag: "K1", uids: try #require(pipeline.nextBatchToSend()))
  pipeline.markSent(tag: "K2", uids: try #require(pipeline.nextBatchToSend()))
  #expect(pipeline.nextBatchToSend() == nil)

  let collected = [
    pipeline.collect(IMAPFetchAttributes(uid: 3, body: Data("c".utf8))),
    pipeline.collect(IMAPFetchAttributes(uid: 2, body: Data("b".utf8))),
    pipeline.collect(IMAPFetchAttributes(uid: 1, body: Data("a".utf8))),
    pipeline.collect(IMAPFetchAttributes(uid: 9, body: Data("x".utf8))),
    pipeline.collect(IMAPFetchAttributes(uid: 1, flags: ["\\Seen"])),
  ]
  #expect(collected == [true, true, true, false, false])

  let ok = IMAPStatusResponse(kind: .ok, text: "done")
  let secondCompleted = pipeline.complete(tag: "K2", status: ok)
  #expect(secondCompleted)
  let early = pipeline.takeFirstCompleted()
  #expect(early == nil)
  let unknownCompleted = pipeline.complete(tag: "K9", status: ok)
  #expect(!unknownCompleted)
  let firstCompleted = pipeline.complete(tag: "K1", status: ok)
  #expect(firstCompleted)

  let first = pipeline.takeFirstCompleted()
  #expect(first?.1.map(\.uid) == [1, 2])
  let second = pipeline.takeFirstCompleted()
  #expect(second?.1.map(\.uid) == [3])
  let rest = pipeline.takeFirstCompleted()
  #expect(rest == nil)
  #expect(pipeline.inFlight.isEmpty)
}
