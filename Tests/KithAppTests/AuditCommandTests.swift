import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Runs `kith audit` and `kith account folder add` as a user would, against a private Dovecot.
@Suite(.serialized) struct AuditCommandTests {
  private static func messageFolder(count: Int) throws -> URL {
    let folder = try makeTestFolder("audit-mail")
    for index in 1...count {
      let name = String(format: "%03d", index)
      let text = """
        From: Sender \(name) <sender\(name)@example.com>
        To: kith@example.test
        Subject: audit message \(name)
        Message-ID: <audit\(name)@example.com>
        Date: Mon, 1 Jan 2024 10:00:00 +0000

        Body \(name).

        """
      try Data(text.utf8).write(to: folder.appendingPathComponent("\(name).eml"))
    }
    return folder
  }

  private static func addAccount(_ kith: KithProcess, server: MailServer) throws {
    let added = try kith.run(
      [
        "account", "add", "--email", server.email, "--login", server.user,
        "--imap-host", server.host, "--imap-port", "\(server.imapsPort)", "--imap-security", "tls",
        "--smtp-host", server.host, "--smtp-port", "\(server.smtpPort)",
        "--ca-file", server.caFile.path, "--password-stdin",
      ], input: server.password + "\n")
    try #require(added.status == 0, "account add failed: \(added.standardError)")
  }

  private static func otherClient(_ server: MailServer) throws -> IMAPClient {
    try IMAPClient(
      options: IMAPConnectionOptions(
        host: server.host, port: server.imapsPort, security: .tls, login: server.user,
        password: server.password, caFile: server.caFile.path, timeout: 20))
  }

  @Test func auditListsAndRepairsDifferences() throws {
    let server = try MailServer.start(messages: try Self.messageFolder(count: 4))
    defer { server.stop() }
    let kith = KithProcess(folder: try makeTestFolder("audit-cli"))
    try Self.addAccount(kith, server: server)
    let synced = try kith.run(["sync"])
    try #require(synced.status == 0, "sync failed: \(synced.standardError)")

    let clean = try kith.run(["audit"])
    #expect(clean.status == 0, "audit failed: \(clean.standardError)")
    #expect(clean.standardOutput.contains("INBOX: clean, 4 messages"))

    do {
      let store = try Store(path: kith.store.path)
      let account = try store.accountID(forKey: server.email.lowercased())
      try store.removeMessages(account: account, folder: "INBOX", uids: [1])
    }
    let client = try Self.otherClient(server)
    _ = try client.select("INBOX")
    try client.storeFlags(["\\Deleted"], uids: [3], isAdded: true)
    try client.expunge()
    client.logout()

    let dirty = try kith.run(["audit"])

    #expect(dirty.status == 1)
    #expect(dirty.standardOutput.contains("INBOX\t1\tmissing\tnot fetched\taudit message 001"))
    #expect(dirty.standardOutput.contains("INBOX\t3\textra\texpunged on server\taudit message 003"))
    #expect(dirty.standardOutput.contains("INBOX: 1 missing, 1 extra"))

    let repaired = try kith.run(["audit", "--repair"])
    #expect(repaired.status == 0, "repair failed: \(repaired.standardError)")
    #expect(repaired.standardOutput.contains("repaired: 1 fetched, 1 removed"))

    let after = try kith.run(["audit"])
    #expect(after.status == 0)
    #expect(after.standardOutput.contains("INBOX: clean, 3 messages"))
  }

  @Test func folderAddMakesSyncFetchFolder() throws {
    let server = try MailServer.start(messages: try Self.messageFolder(count: 2))
    defer { server.stop() }
    let client = try Self.otherClient(server)
    _ = try client.select("INBOX")
    try client.execute("CREATE Projects") { _ in false }
    try client.execute("UID COPY 1 Projects") { _ in false }
    client.logout()
    let kith = KithProcess(folder: try makeTestFolder("audit-folder"))
    try Self.addAccount(kith, server: server)

    let added = try kith.run(["account", "folder", "add", server.email, "Projects"])
    #expect(added.status == 0, "folder add failed: \(added.standardError)")
    let unknown = try kith.run(["account", "folder", "add", "nobody@example.test", "Projects"])
    #expect(unknown.status == 1)
    #expect(unknown.standardError.contains("No account nobody@example.test"))

    let synced = try kith.run(["sync"])

    #expect(synced.status == 0, "sync failed: \(synced.standardError)")
    #expect(synced.standardOutput.contains("Projects: 1 new messages"))
    let audit = try kith.run(["audit"])
    #expect(audit.status == 0)
    #expect(audit.standardOutput.contains("Projects: clean, 1 messages"))
  }
}
