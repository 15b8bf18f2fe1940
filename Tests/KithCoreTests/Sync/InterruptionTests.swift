import Foundation
import KithCore
import KithTestSupport
import Testing

/// Cuts the connection of a sync at many points and checks that the next sync completes the
/// store without duplicates.
@Suite(.serialized) struct InterruptionTests {
  static func options(_ server: MailServer, port: Int) -> IMAPConnectionOptions {
    IMAPConnectionOptions(
      host: server.host, port: port, security: .tls, login: server.user, password: server.password,
      caFile: server.caFile.path, timeout: 10)
  }

  /// Checks that `store` contains every server message of INBOX and Sent once, and that SQLite
  /// finds the file intact.
  static func expectComplete(_ store: Store, account: AccountID, inboxCount: Int, sentCount: Int, context: String) throws {
    let inbox = try store.storedUIDs(account: account, folder: "INBOX")
    #expect(inbox == Array(1...UID(inboxCount)), "INBOX UIDs after \(context)")
    #expect(try store.messageCount(account: account, folder: "INBOX") == inboxCount, "INBOX count after \(context)")
    #expect(try store.messageCount(account: account, folder: "Sent") == sentCount, "Sent count after \(context)")
    #expect(try store.integrityCheck(), "integrity check after \(context)")
  }

  @Test func cutConnectionThenResyncStoresEachMessageOnce() async throws {
    let sent = Fixtures.repositoryRoot.appendingPathComponent("scripts/demo-data/sent")
    let server = try MailServer.start(sent: sent)
    defer { server.stop() }
    let inboxCount = try Fixtures.corpusFileNames().count
    let sentCount = try FileManager.default.contentsOfDirectory(atPath: sent.path).count
    let folder = try makeTestFolder("interruption-proxy")

    // The offsets fall in the TLS handshake, the login, the first FETCH literals and deep
    // inside the body fetch. The corpus messages add up to 1.8 MB.
    for cut in [150, 2_000, 6_000, 30_000, 120_000, 400_000, 900_000, 1_500_000] {
      let path = folder.appendingPathComponent("cut-\(cut).sqlite").path
      let store = try Store(path: path)
      let account = try store.accountID(forKey: server.email)
      let proxy = try CuttingProxy(targetPort: server.imapsPort, cutAfterBytes: cut)
      defer { proxy.stop() }
      let syncer = AccountSyncer(
        account: account, options: Self.options(server, port: proxy.port), store: store,
        configuration: SyncConfiguration(batchMessageLimit: 40),
        parse: { MessageParser.parseHeaders($0) })

      do {
        _ = try await syncer.syncOnce()
        Issue.record("sync through a proxy cut at \(cut) bytes succeeded")
      } catch let error as KithError {
        #expect([.network, .tls].contains(error.code), "cut at \(cut): \(error)")
      }
      #expect(proxy.cutConnectionCount == 1, "cut at \(cut)")
      #expect(try store.integrityCheck(), "integrity check right after the cut at \(cut)")

      proxy.setCut(afterBytes: nil)
      let summary = try await syncer.syncOnce()
      #expect(summary.folders.allSatisfy { $0.error == nil }, "resync after the cut at \(cut)")
      try Self.expectComplete(store, account: account, inboxCount: inboxCount, sentCount: sentCount, context: "cut at \(cut)")
    }
  }
}
