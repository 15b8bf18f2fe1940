import Foundation
import KithCore
import KithTestSupport
import Testing

/// Runs the `kith` browser in tmux against a private Dovecot while mail arrives.
@Suite(.serialized) struct LiveBrowserTests {
  /// Writes a message from `sender` dated now, with `subject`, into a new folder.
  static func writeMessage(from sender: (name: String, email: String), to recipient: String, subject: String, folder: URL) throws -> URL {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    let text = """
      From: \(sender.name) <\(sender.email)>
      To: <\(recipient)>
      Subject: \(subject)
      Date: \(formatter.string(from: Date()))
      Message-ID: <live-\(UUID().uuidString)@example.test>
      MIME-Version: 1.0
      Content-Type: text/plain; charset=utf-8

      Delivered while the browser runs.

      """
    let file = folder.appendingPathComponent("live-\(UUID().uuidString.prefix(8)).eml")
    try Data(text.utf8).write(to: file)
    return file
  }

  @Test func deliveredMailShowsWithinFiveSeconds() throws {
    let server = try MailServer.start(sent: EndToEndTests.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("live-tui")
    let (kith, synced) = try EndToEndTests.prepareSyncedStore(server: server, folder: folder)
    try #require(synced.status == 0, "sync failed: \(synced.standardError)")

    let store = try Store(path: kith.store.path)
    let first = try #require(try store.contactSummaries().first)
    let email = try #require(first.emails.first)

    let command = ([KithProcess.executable.path] + kith.pathArguments).joined(separator: " ")
    let tmux = try TmuxSession(
      command: command, columns: 160, rows: 45, folder: folder,
      environment: ["XDG_STATE_HOME": folder.appendingPathComponent("state").path, "LANG": "C.UTF-8"])
    defer { tmux.stop() }

    let ready = try tmux.waitForScreen(timeout: 20) { $0.contains("\(server.email): up to date") }
    try #require(ready.contains("\(server.email): up to date"), "status line never reached idle:\n\(ready)")

    let subject = "Live delivery \(UUID().uuidString.prefix(8))"
    let message = try Self.writeMessage(
      from: (first.name, email), to: server.email, subject: subject, folder: folder)
    let delivered = Date()
    try server.deliver([message])

    // The 5-second goal is a latency target, measured and recorded in BENCHMARKS.md. A timed
    // assertion would fail on a loaded machine, so the test only bounds the wait.
    let screen = try tmux.waitForScreen(timeout: 20) { $0.contains(subject) }
    let elapsed = Date().timeIntervalSince(delivered)
    #expect(screen.contains(subject), "new subject not on screen:\n\(screen)")
    print("live mail latency (tmux, delivered to on screen): \(String(format: "%.2f", elapsed)) s")

    try tmux.send("q")
    try EndToEndTests.expectCleanExit(tmux, folder: folder)
  }

  @Test func rejectedPasswordPausesAccount() throws {
    let server = try MailServer.start(messages: EndToEndTests.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("live-reauth")
    let (kith, synced) = try EndToEndTests.prepareSyncedStore(server: server, folder: folder)
    try #require(synced.status == 0, "sync failed: \(synced.standardError)")
    try server.setPassword("changed-password")

    let command = ([KithProcess.executable.path] + kith.pathArguments).joined(separator: " ")
    let tmux = try TmuxSession(
      command: command, columns: 160, rows: 45, folder: folder,
      environment: ["XDG_STATE_HOME": folder.appendingPathComponent("state").path, "LANG": "C.UTF-8"])
    defer { tmux.stop() }
    let screen = try tmux.waitForScreen(timeout: 20) { $0.contains("needs reauthorization") }
    #expect(screen.contains("\(server.email): needs reauthorization: password rejected"))
    try tmux.send("q")
    try EndToEndTests.expectCleanExit(tmux, folder: folder)
    let log = try String(contentsOf: folder.appendingPathComponent("state/kith/kith.log"), encoding: .utf8)
    #expect(log.contains("live sync paused: password rejected"))

    let skipped = try kith.run(["sync"])
    #expect(skipped.status == 1)
    #expect(skipped.standardError.contains("skipped, needs reauthorization: password rejected"))

    let readded = try kith.run(
      [
        "account", "add", "--email", server.email, "--login", server.user,
        "--imap-host", server.host, "--imap-port", "\(server.imapsPort)", "--imap-security", "tls",
        "--smtp-host", server.host, "--smtp-port", "\(server.smtpPort)",
        "--smtp-security", "starttls", "--ca-file", server.caFile.path, "--password-stdin",
      ], input: "changed-password\n")
    #expect(readded.status == 0, "account add failed: \(readded.standardError)")
    let resumed = try kith.run(["sync"])
    #expect(resumed.status == 0, "sync after account add failed: \(resumed.standardError)")
  }
}
