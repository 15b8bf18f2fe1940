import Foundation

extension Store {
  // MARK: Contacts

  /// Adds a contact and returns its id. An empty `name` becomes the first address.
  ///
  /// `companyName` finds the company by name, ignoring case, or creates it. A company
  /// without a domain takes the domain of the contact's first address that is not a
  /// webmail domain.
  /// - Throws: `KithError` with `.invalidInput` when an address is invalid or already
  ///   belongs to a contact, or when both name and addresses are empty.
  public func addContact(
    name: String, emails: [String], phone: String? = nil, title: String? = nil,
    companyName: String? = nil, notes: String? = nil
  ) throws -> ContactID {
    let cleanEmails = try Self.validatedEmails(emails)
    let cleanName = name.trimmingWhitespaceAndNewlines()
    let displayName = cleanName.isEmpty ? (cleanEmails.first ?? "") : cleanName
    guard !displayName.isEmpty else {
      throw KithError(.invalidInput, "A contact needs a name or an email address.")
    }

    return try database.transaction {
      var companyID: CompanyID?
      if let companyName = Self.nonEmpty(companyName) {
        companyID = try findOrCreateCompany(named: companyName)
        try fillCompanyDomain(companyID!, from: cleanEmails)
      }
      try database.run(
        "INSERT INTO contacts (name, phone, title, notes, company) VALUES (?1, ?2, ?3, ?4, ?5)",
        displayName, Self.nonEmpty(phone), Self.nonEmpty(title), Self.nonEmpty(notes), companyID)
      let id = ContactID(database.lastInsertRowID)
      try insertEmails(cleanEmails, contact: id, startingAt: 0)
      return id
    }
  }

  /// Returns the contact that has `email`, compared without regard to case.
  public func contact(forEmail email: String) throws -> ContactID? {
    try database.firstRow(
      "SELECT contact FROM contact_emails WHERE email_norm = ?1", EmailAddresses.normalize(email)
    ) { ContactID($0.int64(0)) }
  }

  /// Returns one contact with its addresses and company, or nil when the id is unknown.
  public func contact(_ id: ContactID) throws -> Contact? {
    try contacts(where: "c.id = ?1", id).first
  }

  /// Returns every contact, sorted by name.
  public func contacts() throws -> [Contact] {
    try contacts(where: "1")
  }

  /// Returns the contacts of `company`, sorted by name.
  public func contacts(of company: CompanyID) throws -> [Contact] {
    try contacts(where: "c.company = ?1", company)
  }

  private func contacts(where condition: String, _ arguments: (any SQLiteBindable)?...) throws
    -> [Contact]
  {
    let emails = try contactEmailsByContact()
    let sql = """
      SELECT c.id, c.name, c.phone, c.title, c.notes, c.company, co.name
      FROM contacts c LEFT JOIN companies co ON co.id = c.company
      WHERE \(condition)
      ORDER BY c.name COLLATE NOCASE, c.id
      """
    return try database.rows(sql, arguments: arguments) { row in
      let id = ContactID(row.int64(0))
      return Contact(
        id: id, name: row.string(1), emails: emails[id] ?? [], phone: row.optionalString(2),
        title: row.optionalString(3), notes: row.optionalString(4),
        companyID: row.optionalInt64(5).map(CompanyID.init), companyName: row.optionalString(6))
    }
  }

  /// Saves every field of `contact`, its addresses included; `companyName` is ignored in
  /// favour of `companyID`.
  ///
  /// - Throws: `KithError` with `.notFound` for an unknown id, `.invalidInput` for an invalid
  ///   address or one that another contact has.
  public func updateContact(_ contact: Contact) throws {
    let cleanEmails = try Self.validatedEmails(contact.emails)
    let name = contact.name.trimmingWhitespaceAndNewlines()
    guard !name.isEmpty || !cleanEmails.isEmpty else {
      throw KithError(.invalidInput, "A contact needs a name or an email address.")
    }
    try database.transaction {
      try database.run(
        """
        UPDATE contacts SET name = ?1, phone = ?2, title = ?3, notes = ?4, company = ?5
        WHERE id = ?6
        """, name.isEmpty ? cleanEmails[0] : name, Self.nonEmpty(contact.phone),
        Self.nonEmpty(contact.title), Self.nonEmpty(contact.notes), contact.companyID, contact.id)
      guard database.changes == 1 else {
        throw KithError(.notFound, "Contact \(contact.id) is not in the store.")
      }
      try database.run("DELETE FROM contact_emails WHERE contact = ?1", contact.id)
      try insertEmails(cleanEmails, contact: contact.id, startingAt: 0)
    }
  }

  /// Adds an address to a contact, after its other addresses.
  ///
  /// - Throws: `KithError` with `.invalidInput` when the address is invalid or taken.
  public func addEmail(_ email: String, to contact: ContactID) throws {
    let clean = try Self.validatedEmails([email])
    try database.transaction {
      let next = try database.firstRow(
        "SELECT coalesce(max(position) + 1, 0) FROM contact_emails WHERE contact = ?1", contact
      ) { $0.int(0) } ?? 0
      try insertEmails(clean, contact: contact, startingAt: next)
    }
  }

  /// Removes an address from whichever contact has it; returns whether one had it.
  @discardableResult
  public func removeEmail(_ email: String) throws -> Bool {
    try database.run(
      "DELETE FROM contact_emails WHERE email_norm = ?1", EmailAddresses.normalize(email))
    return database.changes > 0
  }

  /// Deletes a contact and its addresses. Its mail stays in the store.
  public func deleteContact(_ id: ContactID) throws {
    try database.run("DELETE FROM contacts WHERE id = ?1", id)
  }

  private func insertEmails(_ emails: [String], contact: ContactID, startingAt start: Int) throws {
    for (offset, email) in emails.enumerated() {
      let key = EmailAddresses.normalize(email)
      if let owner = try database.firstRow(
        """
        SELECT c.name FROM contact_emails ce JOIN contacts c ON c.id = ce.contact
        WHERE ce.email_norm = ?1
        """, key, transform: { $0.string(0) })
      {
        throw KithError(
          .invalidInput, "The address \(email) already belongs to the contact \(owner).")
      }
      try database.run(
        "INSERT INTO contact_emails (contact, position, email, email_norm) VALUES (?1, ?2, ?3, ?4)",
        contact, start + offset, email, key)
    }
  }

  /// Returns the addresses trimmed and without repeats (ignoring case).
  ///
  /// - Throws: `KithError` with `.invalidInput` naming the first invalid address.
  static func validatedEmails(_ emails: [String]) throws -> [String] {
    var result: [String] = []
    var seen = Set<String>()
    for email in emails {
      let trimmed = email.trimmingWhitespaceAndNewlines()
      guard isPlausibleEmail(trimmed) else {
        throw KithError(
          .invalidInput, "\"\(email)\" is not a valid email address: expected name@domain.")
      }
      if seen.insert(EmailAddresses.normalize(trimmed)).inserted {
        result.append(trimmed)
      }
    }
    return result
  }

  /// Checks the shape local@domain, with no spaces or angle brackets; the mail server is
  /// the one that decides whether the address exists.
  static func isPlausibleEmail(_ email: String) -> Bool {
    guard let at = email.lastIndex(of: "@") else { return false }
    let local = email[..<at]
    let domain = email[email.index(after: at)...]
    let forbidden = Set<Character>([" ", "\t", "<", ">", ",", ";", "\r", "\n"])
    return !local.isEmpty && !domain.isEmpty && !email.contains(where: forbidden.contains)
  }

  static func nonEmpty(_ text: String?) -> String? {
    guard let trimmed = text?.trimmingWhitespaceAndNewlines(), !trimmed.isEmpty
    else { return nil }
    return trimmed
  }

  // MARK: Companies

  /// Returns every company, sorted by name.
  public func companies() throws -> [Company] {
    try database.rows(
      "SELECT id, name, domain, notes FROM companies ORDER BY name COLLATE NOCASE, id"
    ) { Self.company(from: $0) }
  }

  /// Returns the company called `name`, ignoring case, or nil.
  public func company(named name: String) throws -> Company? {
    try database.firstRow(
      "SELECT id, name, domain, notes FROM companies WHERE name = ?1",
      name.trimmingWhitespaceAndNewlines()
    ) { Self.company(from: $0) }
  }

  /// Adds a company and returns its id.
  ///
  /// - Throws: `KithError` with `.invalidInput` when the name is empty or already taken.
  public func addCompany(name: String, domain: String? = nil, notes: String? = nil) throws
    -> CompanyID
  {
    guard let cleanName = Self.nonEmpty(name) else {
      throw KithError(.invalidInput, "A company needs a name.")
    }
    if let existing = try company(named: cleanName) {
      throw KithError(.invalidInput, "A company named \(existing.name) already exists.")
    }
    try database.run(
      "INSERT INTO companies (name, domain, notes) VALUES (?1, ?2, ?3)",
      cleanName, Self.nonEmpty(domain)?.lowercased(), Self.nonEmpty(notes))
    return CompanyID(database.lastInsertRowID)
  }

  /// Saves the name, domain and notes of `company`.
  ///
  /// - Throws: `KithError` with `.notFound` for an unknown id, `.invalidInput` when the name
  ///   is empty or another company has it.
  public func updateCompany(_ company: Company) throws {
    guard let cleanName = Self.nonEmpty(company.name) else {
      throw KithError(.invalidInput, "A company needs a name.")
    }
    if let other = try self.company(named: cleanName), other.id != company.id {
      throw KithError(.invalidInput, "A company named \(other.name) already exists.")
    }
    try database.run(
      "UPDATE companies SET name = ?1, domain = ?2, notes = ?3 WHERE id = ?4",
      cleanName, Self.nonEmpty(company.domain)?.lowercased(), Self.nonEmpty(company.notes),
      company.id)
    guard database.changes == 1 else {
      throw KithError(.notFound, "Company \(company.id) is not in the store.")
    }
  }

  /// Deletes a company; its contacts stay, without a company.
  public func deleteCompany(_ id: CompanyID) throws {
    try database.run("DELETE FROM companies WHERE id = ?1", id)
  }

  /// Returns the id of the company called `name` (ignoring case), creating it when missing.
  func findOrCreateCompany(named name: String) throws -> CompanyID {
    if let existing = try company(named: name) { return existing.id }
    return try addCompany(name: name)
  }

  /// Sets the company's domain from `emails` when it has none yet.
  func fillCompanyDomain(_ company: CompanyID, from emails: [String]) throws {
    let domain = emails.lazy
      .map { Address(name: nil, email: $0).domain }
      .first { !$0.isEmpty && !Self.webmailDomains.contains($0) }
    guard let domain else { return }
    try database.run(
      "UPDATE companies SET domain = ?1 WHERE id = ?2 AND domain IS NULL", domain, company)
  }

  /// Domains of free mail services, which do not identify a contact's employer.
  /// NOTE: the list covers only large providers. A company domain taken from another free
  /// service's address has to be corrected by hand.
  static let webmailDomains: Set<String> = [
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "web.de", "yandex.ru", "mail.ru", "qq.com", "163.com", "fastmail.com",
  ]

  private static func company(from row: Row) -> Company {
    Company(
      id: CompanyID(row.int64(0)), name: row.string(1), domain: row.optionalString(2),
      notes: row.optionalString(3))
  }

  // MARK: Mail views beyond the protocol

  /// Returns the threads with a message linked to any contact of `company`, newest first.
  public func threadSummaries(forCompany company: CompanyID) throws -> [ThreadSummary] {
    let threadIDs = try database.rows(
      """
      SELECT DISTINCT m.thread_id
      FROM contacts c
      JOIN contact_emails ce ON ce.contact = c.id
      JOIN message_addresses ma ON ma.email_norm = ce.email_norm
      JOIN messages m ON m.id = ma.message
      WHERE c.company = ?1 AND m.is_duplicate = 0
      """, company
    ) { ThreadID($0.int64(0)) }
    return try threadIDs.compactMap { try threadSummary($0) }
      .sorted { ($0.lastMessageDate ?? .distantPast, $0.id) > ($1.lastMessageDate ?? .distantPast, $1.id) }
  }

  /// Returns the From addresses that no contact has, the most frequent first.
  public func unmatchedSenders(limit: Int = 200) throws -> [UnmatchedSender] {
    try database.rows(
      """
      SELECT ma.email_norm, count(DISTINCT ma.message),
        (SELECT a.name FROM message_addresses a JOIN messages am ON am.id = a.message
         WHERE a.email_norm = ma.email_norm AND a.role = 'from' AND a.name IS NOT NULL
           AND a.name != ''
         ORDER BY am.sort_date DESC LIMIT 1)
      FROM message_addresses ma JOIN messages m ON m.id = ma.message
      WHERE ma.role = 'from' AND m.is_duplicate = 0
        AND NOT EXISTS (SELECT 1 FROM contact_emails ce WHERE ce.email_norm = ma.email_norm)
      GROUP BY ma.email_norm
      ORDER BY count(DISTINCT ma.message) DESC, ma.email_norm
      LIMIT ?1
      """, limit
    ) { UnmatchedSender(email: $0.string(0), name: $0.optionalString(2), messageCount: $0.int(1)) }
  }
}
