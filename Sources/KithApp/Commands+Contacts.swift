import Foundation
import KithCore

extension CommandContext {
  func importContacts(path: String) throws -> Int32 {
    let data = try InputFile.read(path)
    let (cards, problems) = VCardImporter.parse(data: data)
    let report = try store().importContacts(cards)

    print("Imported \(report.imported.count) contacts from \(path); skipped \(report.skippedAsDuplicates.count) already known; rejected \(report.rejected.count + problems.count).")
    // Names and reasons quote the file, so escape sequences in it must not reach the terminal.
    for problem in problems {
      print("  not read: \(TerminalText.sanitize(problem))")
    }
    for entry in report.rejected {
      print("  rejected \(TerminalText.sanitize(entry.name)): \(TerminalText.sanitize(entry.reason))")
    }
    for entry in report.skippedAsDuplicates {
      print("  skipped \(TerminalText.sanitize(entry.name)): \(TerminalText.sanitize(entry.reason))")
    }
    return 0
  }
}
