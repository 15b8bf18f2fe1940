import Foundation
import KithCore

extension CommandContext {
  func importContacts(path: String) throws -> Int32 {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw KithError(.notFound, "Reading \(path) failed: check that the file exists and is readable.", cause: "\(error)")
    }
    let (cards, problems) = VCardImporter.parse(data: data)
    let report = try store().importContacts(cards)

    print("Imported \(report.imported.count) contacts from \(path); skipped \(report.skippedAsDuplicates.count) already known; rejected \(report.rejected.count + problems.count).")
    for problem in problems {
      print("  not read: \(problem)")
    }
    for entry in report.rejected {
      print("  rejected \(entry.name): \(entry.reason)")
    }
    for entry in report.skippedAsDuplicates {
      print("  skipped \(entry.name): \(entry.reason)")
    }
    return 0
  }
}
