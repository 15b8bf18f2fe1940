import Foundation
import KithCore
import KithTestSupport
import Testing

/// Runs the real `kith` binary against a private Dovecot, as a user would.
@Suite(.serialized) struct EndToEndTests {
  static let demoData = Fixtures.repositoryRoot.appendingPathComponent("scripts/demo-data")

  /// Adds the server's account to a fresh store and config, imports the sample contacts and syncs.
  static func prepareSyncedStore(server: MailServer, folder: URL) throws -> (KithProcess, KithRun) {
    let kith = KithProcess(folder: folder)
    let added = try kith.run(
      [
        "account", "add", "--email", server.email, "--login", server.user,
        "--imap-host", server.host, "--imap-port", "\(server.imapsPort)", "--imap-security", "tls",
        "--smtp-host", server.host, "--smtp-port", "\(server.smtpPort)",
        "--smtp-security", "starttls", "--ca-file", server.caFile.path, "--password-stdin",
      ], input: server.password + "\n")
    #expect(added.status == 0, "account add failed: \(added.standardError)")

    let imported = try kith.run(["contacts", "import", demoData.appendingPathComponent("contacts.vcf").path])
    #expect(imported.status == 0, "contacts import failed: \(imported.standardError)")
    #expect(imported.standardOutput.contains("Imported 24 contacts"))

    let synced = try kith.run(["sync"])
    return (kith, synced)
  }

  /// Waits up to 10 s for kith to end the browse command cleanly.
  ///
  /// The log line is required. The pane's exit status is checked when tmux has it: tmux 3.3a
  /// sometimes marks the pane dead without reaping the process, and then never reports one.
  static func expectCleanExit(_ tmux: TmuxSession, folder: URL) throws {
    let logFile = folder.appendingPathComponent("state/kith/kith.log")
    let finished = "command finished command=browse status=0"
    let deadline = Date().addingTimeInterval(10)
    var log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    var ending = try tmux.ending()
    while (!log.contains(finished) || ending == nil) && Date() < deadline {
      usleep(100_000)
      log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
      ending = try tmux.ending()
    }
    let screen = try tmux.capture()
    #expect(log.contains(finished), "kith did not end the browser cleanly; the screen shows:\n\(screen)")
    if let ending {
      #expect(ending == .exited(0))
    }
  }

  @Test func syncPrintsProgressAndCounts() throws {
    let server = try MailServer.start(sent: Self.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("e2e-sync")
    let (kith, synced) = try Self.prepareSyncedStore(server: server, folder: folder)

    #expect(synced.status == 0, "sync failed: \(synced.standardError)")
    let corpusCount = try Fixtures.corpusFileNames().count
    #expect(synced.standardOutput.contains("INBOX: \(corpusCount) new messages"))
    #expect(synced.standardOutput.contains("Sent: 3 new messages"))

    let again = try kith.run(["sync"])
    #expect(again.status == 0)
    #expect(again.standardOutput.contains("INBOX: 0 new messages"))
  }

  @Test func wrongPasswordFailsClearly() throws {
    let server = try MailServer.start(messages: Self.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("e2e-password")
    let kith = KithProcess(folder: folder)
    let added = try kith.run(
      [
        "account", "add", "--email", server.email, "--login", server.user,
        "--imap-host", server.host, "--imap-port", "\(server.imapsPort)",
        "--smtp-host", server.host, "--smtp-port", "\(server.smtpPort)",
        "--ca-file", server.caFile.path, "--password-stdin",
      ], input: "not-the-password\n")
    #expect(added.status == 0)

    let synced = try kith.run(["sync"])
    #expect(synced.status == 1)
    #expect(synced.standardError.contains("rejected the user name or password"))
  }

  @Test func browserShowsContactAndSubject() throws {
    let server = try MailServer.start(sent: Self.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("e2e-tui")
    let (kith, synced) = try Self.prepareSyncedStore(server: server, folder: folder)
    try #require(synced.status == 0, "sync failed: \(synced.standardError)")

    // The expected rows come from the store the browser reads, so the test follows the data.
    let store = try Store(path: kith.store.path)
    let contacts = try store.contactSummaries()
    let first = try #require(contacts.first)
    let firstSubject = try #require(try store.threadSummaries(for: first.id).first?.subject)
    let second = try #require(contacts.dropFirst().first)
    let secondSubject = try #require(try store.threadSummaries(for: second.id).first?.subject)

    let command = ([KithProcess.executable.path] + kith.pathArguments).joined(separator: " ")
    let tmux = try TmuxSession(
      command: command, columns: 160, rows: 45, folder: folder,
      environment: ["XDG_STATE_HOME": folder.appendingPathComponent("state").path, "LANG": "C.UTF-8"])
    defer { tmux.stop() }

    let screen = try tmux.waitForScreen { $0.contains(first.name) && $0.contains(String(firstSubject.prefix(20))) }
    #expect(screen.contains(first.name))
    #expect(screen.contains(String(firstSubject.prefix(20))))
    #expect(screen.contains("James Hillyerd"))

    try tmux.send("j")
    let moved = try tmux.waitForScreen { $0.contains(String(secondSubject.prefix(20))) }
    #expect(moved.contains(String(secondSubject.prefix(20))))

    try tmux.send("q")
    try Self.expectCleanExit(tmux, folder: folder)
  }
}
