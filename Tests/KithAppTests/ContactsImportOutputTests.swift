import Foundation
import KithTestSupport
import Testing

/// `kith contacts import` prints names and reasons taken from the vCard file, which may
/// carry terminal escape sequences.
@Suite struct ContactsImportOutputTests {
  private static let hostileCards = """
    BEGIN:VCARD\r
    VERSION:3.0\r
    FN:Esc\u{1B}]0;title\u{07} Name\u{1B}[2J\r
    EMAIL:esc-name@example.test\r
    END:VCARD\r
    BEGIN:VCARD\r
    VERSION:3.0\r
    FN:Bad\u{1B}[31m Mail\r
    EMAIL:not an email\r
    END:VCARD\r

    """

  @Test func importOutputHasNoControls() throws {
    let folder = try makeTestFolder("contacts-import-output")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cards = folder.appendingPathComponent("hostile.vcf")
    try Data(Self.hostileCards.utf8).write(to: cards)
    let kith = KithProcess(folder: folder)

    let first = try kith.run(["contacts", "import", cards.path])
    // The second import reports the first card as skipped, with its name twice.
    let second = try kith.run(["contacts", "import", cards.path])

    #expect(first.status == 0)
    #expect(second.status == 0)
    for output in [first.standardOutput, second.standardOutput] {
      let controls = output.unicodeScalars.filter {
        ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value)
      }
      #expect(controls.isEmpty, "output: \(output.debugDescription)")
    }
    #expect(second.standardOutput.contains("skipped Esc"))
    #expect(first.standardOutput.contains("rejected Bad"))
  }
}
