import Foundation

/// The outcome of importing contacts: one entry per card.
public struct ImportReport: Hashable, Sendable {
  /// A card that was not imported, named for the user, with the reason.
  public struct Entry: Hashable, Sendable {
    public var name: String
    public var reason: String

    public init(name: String, reason: String) {
      self.name = name
      self.reason = reason
    }
  }

  public var imported: [ContactID] = []
  /// Cards whose contact already exists: an address is taken, or, for a card without
  /// addresses, a contact without addresses has the same name.
  public var skippedAsDuplicates: [Entry] = []
  public var rejected: [Entry] = []

  public init() {}
}

extension Store {
  /// Imports `cards` as contacts in one transaction and returns what happened to each card.
  ///
  /// Nothing is imported twice. A card with an address that a contact already has (from an
  /// earlier import or earlier in `cards`) is skipped as a duplicate. So is a card without
  /// addresses when a contact without addresses has the same name, ignoring case. A card
  /// with an invalid address is rejected whole, so that the user fixes the file and imports
  /// it again. ORG becomes the contact's company, found by name or created, and a new company
  /// takes its domain from the contact's addresses.
  /// - Throws: `KithError` with `.store` when SQLite fails; then nothing is imported.
  public func importContacts(_ cards: [VCard]) throws -> ImportReport {
    try database.transaction {
      var report = ImportReport()
      for card in cards {
        try importCard(card, into: &report)
      }
      return report
    }
  }

  private func importCard(_ card: VCard, into report: inout ImportReport) throws {
    let emails = card.emailsPreferredFirst
    let label = card.displayName ?? emails.first ?? "card at line \(card.line)"

    if let invalid = emails.first(where: { !Self.isPlausibleEmail($0.trimmed) }) {
      report.rejected.append(
        .init(name: label, reason: "\"\(invalid)\" is not a valid email address."))
      return
    }
    guard card.displayName != nil || !emails.isEmpty else {
      report.rejected.append(.init(name: label, reason: "The card has no name and no email address."))
      return
    }
    if let reason = try duplicateReason(name: label, emails: emails) {
      report.skippedAsDuplicates.append(.init(name: label, reason: reason))
      return
    }

    do {
      let id = try addContact(
        name: label, emails: emails, phone: card.preferredPhone, title: card.title,
        companyName: card.organization, notes: card.note)
      report.imported.append(id)
    } catch let error as KithError where error.code == .invalidInput {
      report.rejected.append(.init(name: label, reason: error.message))
    }
  }

  private func duplicateReason(name: String, emails: [String]) throws -> String? {
    for email in emails {
      if let owner = try contact(forEmail: email), let contact = try contact(owner) {
        return "\(email) already belongs to the contact \(contact.name)."
      }
    }
    guard emails.isEmpty else { return nil }
    let isTaken =
      try database.firstRow(
        """
        SELECT 1 FROM contacts c
        WHERE c.name = ?1 COLLATE NOCASE
          AND NOT EXISTS (SELECT 1 FROM contact_emails ce WHERE ce.contact = c.id)
        """, name
      ) { _ in true } ?? false
    return isTaken ? "A contact named \(name) without an email address already exists." : nil
  }
}

extension String {
  fileprivate var trimmed: String { trimmingWhitespaceAndNewlines() }
}
