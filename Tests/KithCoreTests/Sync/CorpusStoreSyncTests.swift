import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Syncs the whole corpus from a real Dovecot into the real SQLite store.
@Suite struct CorpusStoreSyncTests {
  static func makeSyncer(_ server: MailServer, store: Store, password: String? = nil) throws -> AccountSyncer {
    let options = IMAPConnectionOptions(
      host: server.host, port: server.imapsPort, security: .tls, login: server.user,
      password: password ?? server.password, caFile: server.caFile.path, timeout: 20)
    return AccountSyncer(
      account: try store.accountID(forKey: server.email), options: options, store: store,
      parse: { MessageParser.parseHeaders($0) })
  }

  /// Returns the stored detail of the INBOX message whose UID is the corpus file's position.
  static func detail(of file: String, in store: Store, account: AccountID) throws -> MessageDetail? {
    let names = try Fixtures.corpusFileNames()
    guard let index = names.firstIndex(of: file) else { return nil }
    guard let id = try store.messageRowID(account: account, folder: "INBOX", uid: UID(index + 1)) else {
      return nil
    }
    return try store.messageDetail(id)
  }

  @Test func corpusStoredOnceWithDecodedFields() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let folder = try makeTestFolder("corpus-store")
    let store = try Store(path: folder.appendingPathComponent("kith.sqlite").path)
    let account = try store.accountID(forKey: server.email)

    let first = try await Self.makeSyncer(server, store: store).syncOnce()
    let corpusCount = try Fixtures.corpusFileNames().count
    #expect(first.result(for: "INBOX")?.fetchedCount == corpusCount)
    #expect(try store.messageCount(account: account, folder: "INBOX") == corpusCount)
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == (1...corpusCount).map { UID($0) })
    #expect(try store.integrityCheck())

    let simple = try #require(try Self.detail(of: "001-rfc2822-simple-addressing.eml", in: store, account: account))
    #expect(simple.subject == "Saying Hello")
    #expect(simple.from == [Address(name: "John Doe", email: "jdoe@machine.example")])
    #expect(simple.to == [Address(name: "Mary Smith", email: "mary@example.net")])
    #expect(simple.date == Date(timeIntervalSince1970: 880_127_706))
    #expect(simple.bodyText.contains("This is a message just to say hello."))

    let quoted = try #require(try Self.detail(of: "002-rfc2822-quoted-display-names.eml", in: store, account: account))
    #expect(quoted.from == [Address(name: "Joe Q. Public", email: "john.q.public@example.com")])
    #expect(quoted.cc.contains(Address(name: "Giant; \"Big\" Box", email: "sysservices@example.net")))

    let japanese = try #require(try Self.detail(of: "006-iso2022jp-folded-subject.eml", in: store, account: account))
    #expect(japanese.subject == "Re: TEST テストテスト")

    let raw = try #require(try Self.detail(of: "008-rfc6532-raw-utf8-headers.eml", in: store, account: account))
    #expect(raw.subject == "Säying Hello")
    #expect(raw.from.first?.name == "Jöhn Doe")

    let second = try await Self.makeSyncer(server, store: store).syncOnce()
    #expect(second.fetchedCount == 0)
    #expect(try store.messageCount(account: account, folder: "INBOX") == corpusCount)
  }

  @Test func wrongPasswordLeavesStoreUnchanged() async throws {
    let server = try MailServer.start()
    defer { server.stop() }
    let folder = try makeTestFolder("corpus-password")
    let path = folder.appendingPathComponent("kith.sqlite").path
    let store = try Store(path: path)
    let account = try store.accountID(forKey: server.email)
    _ = try await Self.makeSyncer(server, store: store).syncOnce()
    let before = try store.storedUIDs(account: account, folder: "INBOX")
    let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int

    await #expect(throws: KithError.self) {
      _ = try await Self.makeSyncer(server, store: store, password: "wrong").syncOnce()
    }
    do {
      _ = try await Self.makeSyncer(server, store: store, password: "wrong").syncOnce()
    } catch let error as KithError {
      #expect(error.code == .authentication)
      #expect(error.message.contains("rejected the user name or password"))
    }
    #expect(try store.storedUIDs(account: account, folder: "INBOX") == before)
    #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == sizeBefore)
    #expect(try store.integrityCheck())
  }
}
