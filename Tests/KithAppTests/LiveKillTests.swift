import Foundation
import KithCore
import KithTestSupport
import Testing

/// Kills `kith sync` with SIGKILL at many points and checks that the next sync completes the
/// store without duplicates.
@Suite(.serialized) struct LiveKillTests {
  @Test func killedSyncThenResyncStoresEachMessageOnce() throws {
    let sent = EndToEndTests.demoData.appendingPathComponent("sent")
    let server = try MailServer.start(sent: sent)
    defer { server.stop() }
    let inboxCount = try Fixtures.corpusFileNames().count
    let sentCount = try FileManager.default.contentsOfDirectory(atPath: sent.path).count
    let folder = try makeTestFolder("live-kill")
    let (kith, synced) = try EndToEndTests.prepareSyncedStore(server: server, folder: folder)
    try #require(synced.status == 0, "first sync failed: \(synced.standardError)")

    // The delays are spread over the time of one whole sync into an empty store, measured
    // here, so that they land in start-up, login, the INBOX fetch and Sent on any machine.
    Self.removeStore(kith)
    let started = Date()
    let timed = try kith.run(["sync"])
    try #require(timed.status == 0, "timed sync failed: \(timed.standardError)")
    let fullSync = Date().timeIntervalSince(started)
    let delays = (1...10).map { fullSync * Double($0) / 11 }

    var killedCount = 0
    for delay in delays {
      Self.removeStore(kith)
      if try Self.runSync(kith, killAfter: delay) {
        killedCount += 1
      }

      let resynced = try kith.run(["sync"])
      #expect(resynced.status == 0, "sync after a kill at \(delay) s failed: \(resynced.standardError)")
      let store = try Store(path: kith.store.path)
      let account = try store.accountID(forKey: server.email.lowercased())
      let inbox = try store.storedUIDs(account: account, folder: "INBOX")
      #expect(inbox == Array(1...UID(inboxCount)), "INBOX UIDs after a kill at \(delay) s")
      #expect(try store.messageCount(account: account, folder: "Sent") == sentCount, "Sent after a kill at \(delay) s")
      #expect(try store.integrityCheck(), "integrity check after a kill at \(delay) s")
    }
    // Most delays must hit a running sync, or the test checks nothing about interruption.
    #expect(killedCount >= delays.count / 2, "only \(killedCount) of \(delays.count) syncs were still running")
  }

  static func removeStore(_ kith: KithProcess) {
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: kith.store.path + suffix)
    }
  }

  /// Starts `kith sync`, sends SIGKILL after `delay` seconds and returns whether the process
  /// was still running then.
  static func runSync(_ kith: KithProcess, killAfter delay: TimeInterval) throws -> Bool {
    let process = Process()
    process.executableURL = KithProcess.executable
    process.arguments = kith.pathArguments + ["sync"]
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_STATE_HOME"] = kith.store.deletingLastPathComponent().appendingPathComponent("state").path
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    usleep(useconds_t(delay * 1_000_000))
    let wasRunning = process.isRunning
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return wasRunning
  }
}
