import Foundation
import KithTestSupport
import Testing

@testable import KithCore

@Suite(.serialized) struct AuditServerTests {
  @Test func auditFindsAndRepairsDifferences() async throws {
    let messages = try ResyncFixture.messageFolder(count: 5)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, _) = try ResyncFixture.makeStore()
    _ = try await ResyncFixture.makeSyncer(server, store: store, account: account).syncOnce()
    let auditor = MailboxAuditor(account: account, options: ResyncFixture.options(server), store: store)

    let clean = try auditor.audit()
    #expect(clean.isClean)
    #expect(clean.folders.first { $0.folder == "INBOX" }?.serverUIDs == [1, 2, 3, 4, 5])

    // A row lost from the store, and a message expunged by another client.
    try store.database.run("DELETE FROM messages WHERE uid = 2")
    try ResyncFixture.withOtherClient(server) { client in
      try client.storeFlags(["\\Deleted"], uids: [4], isAdded: true)
      try client.expunge()
    }

    let report = try auditor.audit()

    #expect(!report.isClean)
    let findings = report.findings.filter { $0.folder == "INBOX" }
    #expect(findings.count == 2)
    let missing = try #require(findings.first { $0.kind == .missing })
    #expect(missing.uid == 2)
    #expect(missing.reason == .notFetched)
    #expect(missing.subject == "m message 002")
    let extra = try #require(findings.first { $0.kind == .extra })
    #expect(extra.uid == 4)
    #expect(extra.reason == .expungedOnServer)
    #expect(extra.subject == "m message 004")

    let summary = try auditor.repair(report)

    #expect(summary.fetchedCount == 1)
    #expect(summary.removedCount == 1)
    #expect(try auditor.audit().isClean)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == [1, 2, 3, 5])
  }

  @Test func auditReplacesDamagedStoredCopy() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, folder) = try ResyncFixture.makeStore()
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try await ResyncFixture.makeSyncer(server, store: store, account: account).syncOnce()
    let id = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 2))
    let original = try #require(try store.rawMessage(id))

    // Zeros over the body's bytes, as a power loss leaves bytes that never reached the disk.
    let location = try #require(try store.database.firstRow(
      "SELECT pack, offset, length FROM body_locations WHERE message = ?1", id
    ) { (pack: $0.int64(0), offset: $0.int64(1), length: $0.int64(2)) })
    let pack = try FileHandle(forUpdating: URL(fileURLWithPath: try #require(store.bodyFiles).path(of: location.pack)))
    try pack.seek(toOffset: UInt64(location.offset))
    try pack.write(contentsOf: Data(count: Int(location.length)))
    try pack.close()
    #expect(throws: KithError.self) { try store.rawMessage(id) }

    let auditor = MailboxAuditor(account: account, options: ResyncFixture.options(server), store: store)
    let report = try auditor.audit()

    let finding = try #require(report.findings.first)
    #expect(report.findings.count == 1)
    #expect(finding.kind == .damaged)
    #expect(finding.uid == 2)
    #expect(finding.reason == .storedCopyDamaged)

    let summary = try auditor.repair(report)

    #expect(summary.replacedCount == 1)
    #expect(summary.fetchedCount == 0)
    #expect(try store.rawMessage(id) == original)
    #expect(try auditor.audit().isClean)
    #expect(try store.integrityCheck())
  }

  @Test func auditReportsUIDValidityChange() async throws {
    let messages = try ResyncFixture.messageFolder(count: 3)
    let server = try MailServer.start(messages: messages)
    defer { server.stop() }
    let (store, account, _) = try ResyncFixture.makeStore()
    _ = try await ResyncFixture.makeSyncer(server, store: store, account: account).syncOnce()
    let oldValidity = try #require(try store.folderState(account: account, folder: "INBOX")).uidValidity
    try ResyncFixture.changeUIDValidity(server, to: oldValidity &+ 7)
    let auditor = MailboxAuditor(account: account, options: ResyncFixture.options(server), store: store)

    let report = try auditor.audit()

    let findings = report.findings.filter { $0.folder == "INBOX" }
    #expect(findings.count == 6)
    #expect(findings.allSatisfy { $0.reason == .uidValidityChanged })
    #expect(findings.filter { $0.kind == .extra }.map(\.uidValidity) == [oldValidity, oldValidity, oldValidity])

    let summary = try auditor.repair(report)

    #expect(summary.resetFolders == ["INBOX"])
    #expect(summary.fetchedCount == 3)
    #expect(try auditor.audit().isClean)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 3)
    let second = try await ResyncFixture.makeSyncer(server, store: store, account: account).syncOnce()
    #expect(second.fetchedCount == 0)
  }
}
