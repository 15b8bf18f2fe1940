import Foundation
import Testing

@testable import KithCore

@Suite struct LogFileTests {
  /// Two sinks on one file stand for two kith processes, such as the browser and a
  /// `kith sync` run from cron, writing the same log at the same time.
  @Test func twoWritersKeepEveryLine() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-log-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.log").path

    let browser = LogSink()
    let sync = LogSink()
    browser.openFile(at: path)
    sync.openFile(at: path)
    browser.write(level: .info, label: "kith", message: "browser line one", metadata: [:])
    sync.write(level: .info, label: "kith", message: "sync line one", metadata: [:])
    browser.write(level: .info, label: "kith", message: "browser line two", metadata: [:])

    let text = try String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(text.contains("browser line one"))
    #expect(text.contains("sync line one"))
    #expect(text.contains("browser line two"))
  }

  @Test func reopenedFileKeepsOldLines() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-log-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("kith.log").path

    let first = LogSink()
    first.openFile(at: path)
    first.write(level: .info, label: "kith", message: "first run", metadata: [:])
    let second = LogSink()
    second.openFile(at: path)
    second.write(level: .info, label: "kith", message: "second run", metadata: [:])

    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("first run"))
    #expect(text.contains("second run"))
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
    #expect(mode?.intValue == 0o600)
  }
}
