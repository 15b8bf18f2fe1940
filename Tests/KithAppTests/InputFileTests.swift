import Foundation
import KithTestSupport
import Testing

/// `kith show FILE` and `kith contacts import FILE` read pipes and devices too, as shells
/// pass them for `<(command)` and `/dev/stdin`, and say why a path cannot be read.
@Suite struct InputFileTests {
  private static let message = "From: Ann <ann@example.test>\r\nSubject: Piped\r\n\r\nHello\r\n"

  @Test func showReadsDevStdin() throws {
    let folder = try makeTestFolder("input-dev-stdin")
    defer { try? FileManager.default.removeItem(at: folder) }
    let kith = KithProcess(folder: folder)

    let shown = try kith.run(["show", "/dev/stdin"], input: Self.message)

    #expect(shown.status == 0, "stderr: \(shown.standardError)")
    #expect(shown.standardOutput.contains("Subject: Piped"))
  }

  @Test func showDirectorySaysDirectory() throws {
    let folder = try makeTestFolder("input-directory")
    defer { try? FileManager.default.removeItem(at: folder) }
    let kith = KithProcess(folder: folder)

    let shown = try kith.run(["show", folder.path])

    #expect(shown.status == 1)
    #expect(shown.standardError.contains("\(folder.path) is a directory"))
  }

  @Test func showMissingFileSaysNotFound() throws {
    let folder = try makeTestFolder("input-missing")
    defer { try? FileManager.default.removeItem(at: folder) }
    let kith = KithProcess(folder: folder)
    let missing = folder.appendingPathComponent("missing.eml").path

    let shown = try kith.run(["show", missing])

    #expect(shown.status == 1)
    #expect(shown.standardError.contains("\(missing) was not found"))
  }

  @Test func importReadsDevStdin() throws {
    let folder = try makeTestFolder("input-import-stdin")
    defer { try? FileManager.default.removeItem(at: folder) }
    let kith = KithProcess(folder: folder)
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Piped\r\nEMAIL:ann@example.test\r\nEND:VCARD\r\n"

    let imported = try kith.run(["contacts", "import", "/dev/stdin"], input: card)

    #expect(imported.status == 0, "stderr: \(imported.standardError)")
    #expect(imported.standardOutput.contains("Imported 1 contacts"))
  }
}
