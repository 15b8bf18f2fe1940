import Foundation

// A message links to a contact when one of its From, To, Cc or Reply-To addresses equals one of
// the contact's addresses after lower-casing. The link is a join on `email_norm`, never stored,
// so a contact added after the mail links at once. Rows marked `is_duplicate` (a second copy of
// the same Message-ID) are left out of every view and count.
// TODO: the views ignore account owners, so a private account's mail shows to every CRM user
// of the store until the queries take the current user.
extension Store: MailBrowsing {
  public func contactSummaries() throws -> [ContactSummary] {
    let emails = try contactEmailsByContact()
    return try database.rows(
      """
      WITH links AS (
        SELECT DISTINCT ce.contact, ma.message
        FROM contact_emails ce JOIN message_addresses ma ON ma.email_norm = ce.email_norm
      )
      SELECT c.id, c.name, co.name, count(m.id), coalesce(sum(m.is_seen = 0), 0), max(m.sort_date)
      FROM contacts c
      LEFT JOIN companies co ON co.id = c.company
      LEFT JOIN links l ON l.contact = c.id
      LEFT JOIN messages m ON m.id = l.message AND m.is_duplicate = 0
      GROUP BY c.id
      ORDER BY max(m.sort_date) DESC NULLS LAST, c.name COLLATE NOCASE, c.id
      """
    ) { row in
      let id = ContactID(row.int64(0))
      return ContactSummary(
        id: id, name: row.string(1), companyName: row.optionalString(2),
        emails: emails[id] ?? [], messageCount: row.int(3), unreadCount: row.int(4),
        lastMessageDate: row.date(5))
    }
  }

  public func threadSummaries(for contact: ContactID) throws -> [ThreadSummary] {
    let threadIDs = try database.rows(
      """
      SELECT DISTINCT m.thread_id
      FROM contact_emails ce
      JOIN message_addresses ma ON ma.email_norm = ce.email_norm
      JOIN messages m ON m.id = ma.message
      WHERE ce.contact = ?1 AND m.is_duplicate = 0
      """, contact
    ) { ThreadID($0.int64(0)) }

    return try threadIDs.compactMap { try threadSummary($0) }
      .sorted { lhs, rhs in
        let left = lhs.lastMessageDate ?? .distantPast
        let right = rhs.lastMessageDate ?? .distantPast
        if left != right { return left > right }
        return lhs.id > rhs.id
      }
  }

  /// Returns the summary of one thread, or nil when it has no messages.
  public func threadSummary(_ thread: ThreadID) throws -> ThreadSummary? {
    struct Entry {
      var id: Int64
      var subject: String?
      var date: Date?
      var isSeen: Bool
    }
    let entries = try database.rows(
      """
      SELECT id, subject, sort_date, is_seen FROM messages
      WHERE thread_id = ?1 AND is_duplicate = 0
      ORDER BY sort_date IS NOT NULL, sort_date, id
      """, thread
    ) { Entry(id: $0.int64(0), subject: $0.optionalString(1), date: $0.date(2), isSeen: $0.bool(3)) }
    guard let first = entries.first else { return nil }

    let senders = try database.rows(
      """
      SELECT ma.name, ma.email, ma.email_norm
      FROM messages m JOIN message_addresses ma ON ma.message = m.id
      WHERE m.thread_id = ?1 AND m.is_duplicate = 0 AND ma.role = 'from'
      ORDER BY m.sort_date IS NOT NULL, m.sort_date, m.id, ma.position
      """, thread
    ) { (name: $0.optionalString(0), email: $0.string(1), key: $0.string(2)) }

    return ThreadSummary(
      id: thread, subject: first.subject ?? "", participants: Self.participants(senders),
      messageCount: entries.count, unreadCount: entries.filter { !$0.isSeen }.count,
      lastMessageDate: entries.compactMap(\.date).max())
  }

  /// Returns the senders' display names in order of first appearance, one per address. An
  /// address first seen without a name shows the name it carries later, if any.
  static func participants(_ senders: [(name: String?, email: String, key: String)]) -> [String] {
    var order: [String] = []
    var labels: [String: String] = [:]
    var hasName: [String: Bool] = [:]
    for sender in senders {
      let name = sender.name?.trimmingWhitespace() ?? ""
      if labels[sender.key] == nil {
        order.append(sender.key)
        labels[sender.key] = name.isEmpty ? sender.email : name
        hasName[sender.key] = !name.isEmpty
      } else if hasName[sender.key] == false && !name.isEmpty {
        labels[sender.key] = name
        hasName[sender.key] = true
      }
    }
    var seen = Set<String>()
    return order.compactMap { key in
      let label = labels[key]!
      return seen.insert(label).inserted ? label : nil
    }
  }

  public func messageDetails(in thread: ThreadID) throws -> [MessageDetail] {
    let ids = try database.rows(
      """
      SELECT id FROM messages WHERE thread_id = ?1 AND is_duplicate = 0
      ORDER BY sort_date IS NOT NULL, sort_date, id
      """, thread
    ) { MessageRowID($0.int64(0)) }
    return try ids.compactMap { try messageDetail($0) }
  }

  /// Returns one message as the message pane shows it, or nil when the id is unknown.
  ///
  /// The body text and the attachment list come from parsing the stored raw message here,
  /// because sync stores only the header fields (see `MessageParser.parseHeaders`). The
  /// results of the last `ParsedBodyCache.capacity` parses are kept, so that reloading a
  /// thread (after a read mark or new mail) parses nothing again.
  public func messageDetail(_ id: MessageRowID) throws -> MessageDetail? {
    let row = try database.firstRow(
      """
      SELECT m.id, f.name, m.subject, m.sort_date, m.is_seen
      FROM messages m JOIN folders f ON f.id = m.folder
      WHERE m.id = ?1
      """, id
    ) { row in
      MessageDetail(
        id: MessageRowID(row.int64(0)), folder: row.string(1), subject: row.optionalString(2),
        from: [], to: [], cc: [], date: row.date(3), bodyText: "", attachments: [],
        isSeen: row.bool(4))
    }
    guard var detail = row else { return nil }

    do {
      let raw = try rawMessage(id) ?? Data()
      let body = bodyCache.body(of: id, raw: raw) {
        let parsed = MessageParser.parse(raw)
        return ParsedBodyCache.Body(text: parsed.bodyText, attachments: parsed.attachments)
      }
      detail.bodyText = body.text
      detail.attachments = body.attachments
    } catch let error as KithError where error.code == .store {
      // The header fields are stored apart, so the pane still shows who wrote it and when.
      Self.logger.error("reading a stored message failed", metadata: ["store.message": "\(id)", "error": "\(error)"])
      detail.bodyText = error.description
    }

    let addresses = try database.rows(
      "SELECT role, name, email FROM message_addresses WHERE message = ?1 ORDER BY role, position",
      id
    ) { (role: $0.string(0), address: Address(name: $0.optionalString(1), email: $0.string(2))) }
    detail.from = addresses.filter { $0.role == "from" }.map(\.address)
    detail.to = addresses.filter { $0.role == "to" }.map(\.address)
    detail.cc = addresses.filter { $0.role == "cc" }.map(\.address)
    return detail
  }

  /// Returns the Reply-To addresses of a message, for composing a reply.
  public func replyToAddresses(of id: MessageRowID) throws -> [Address] {
    try database.rows(
      """
      SELECT name, email FROM message_addresses
      WHERE message = ?1 AND role = 'reply-to' ORDER BY position
      """, id
    ) { Address(name: $0.optionalString(0), email: $0.string(1)) }
  }

  func contactEmailsByContact() throws -> [ContactID: [String]] {
    var result: [ContactID: [String]] = [:]
    let pairs = try database.rows(
      "SELECT contact, email FROM contact_emails ORDER BY contact, position"
    ) { (ContactID($0.int64(0)), $0.string(1)) }
    for (contact, email) in pairs {
      result[contact, default: []].append(email)
    }
    return result
  }
}

/// The body text and attachments of recently shown messages.
///
/// An entry is used only for the same raw bytes (same length and hash), because SQLite may
/// give the row id of a deleted message to a new one. The oldest entry goes first when the
/// cache is full.
struct ParsedBodyCache {
  struct Body {
    var text: String
    var attachments: [AttachmentInfo]
  }

  /// The number of entries kept, enough for the messages of several threads.
  static let capacity = 256

  private var entries: [MessageRowID: (rawCount: Int, rawHash: Int, body: Body)] = [:]
  private var insertionOrder: [MessageRowID] = []

  /// The number of parses `body(of:raw:parse:)` ran, for tests.
  private(set) var parseCount = 0

  /// Returns the cached body of message `id` when it was parsed from the same `raw`, else
  /// runs `parse` and keeps its result.
  mutating func body(of id: MessageRowID, raw: Data, parse: () -> Body) -> Body {
    var hasher = Hasher()
    raw.withUnsafeBytes { hasher.combine(bytes: $0) }
    let rawHash = hasher.finalize()
    if let entry = entries[id], entry.rawCount == raw.count, entry.rawHash == rawHash {
      return entry.body
    }

    let body = parse()
    parseCount += 1
    if entries.updateValue((raw.count, rawHash, body), forKey: id) == nil {
      insertionOrder.append(id)
    }
    if insertionOrder.count > Self.capacity {
      entries[insertionOrder.removeFirst()] = nil
    }
    return body
  }
}
