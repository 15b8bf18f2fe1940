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

    // A full sync of the corpus took under a second by kith.log timestamps on the 2-core
    // test machine, so these delays land in start-up, login, the INBOX fetch and Sent.
    let delays: [TimeInterval] = [0.02, 0.08, 0.15, 0.25, 0.35, 0.5, 0.65, 0.8, 1.0, 1.3]
    var killedCount = 0
    for delay in delays {
      for suffix in ["", "-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: kith.store.path + suffix)
      }
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
