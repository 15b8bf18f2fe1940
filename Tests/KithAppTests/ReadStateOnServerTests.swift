import Foundation
import KithCore
import KithTestSupport
import Testing

/// Opening a thread in the browser marks its messages read on the server too.
@Suite(.serialized) struct ReadStateOnServerTests {
  /// Returns the flags of every INBOX message, read over a separate IMAP session.
  static func serverFlags(_ server: MailServer) throws -> [UID: [String]] {
    let client = try IMAPClient(options: IMAPConnectionOptions(
      host: server.host, port: server.imapsPort, security: .tls, login: server.user,
      password: server.password, caFile: server.caFile.path, timeout: 20))
    defer { client.logout() }
    let status = try client.examine("INBOX")
    guard status.exists > 0 else { return [:] }
    return try client.fetchFlags(in: 1...UID.max)
  }

  @Test func openedThreadIsSeenOnServer() throws {
    let server = try MailServer.start(sent: EndToEndTests.demoData.appendingPathComponent("sent"))
    defer { server.stop() }
    let folder = try makeTestFolder("read-state")
    let (kith, synced) = try EndToEndTests.prepareSyncedStore(server: server, folder: folder)
    try #require(synced.status == 0, "sync failed: \(synced.standardError)")
    let seenBefore = try Self.serverFlags(server).values.filter { $0.contains("\\Seen") }.count

    let command = ([KithProcess.executable.path] + kith.pathArguments).joined(separator: " ")
    let tmux = try TmuxSession(
      command: command, columns: 160, rows: 45, folder: folder,
      environment: ["XDG_STATE_HOME": folder.appendingPathComponent("state").path, "LANG": "C.UTF-8"])
    defer { tmux.stop() }
    let ready = try tmux.waitForScreen(timeout: 20) { $0.contains("\(server.email): up to date") }
    try #require(ready.contains("up to date"), "status line never reached idle:\n\(ready)")

    // Enter opens the first contact's threads; a second Enter shows the first thread.
    try tmux.send("Enter")
    try tmux.send("Enter")

    let deadline = Date().addingTimeInterval(20)
    var seenAfter = seenBefore
    while seenAfter == seenBefore && Date() < deadline {
      usleep(250_000)
      seenAfter = try Self.serverFlags(server).values.filter { $0.contains("\\Seen") }.count
    }
    #expect(seenAfter > seenBefore, "no message became \\Seen on the server")
    try tmux.send("q", "q", "q")
  }
}
