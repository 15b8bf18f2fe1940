import Foundation

/// One difference between a folder on the server and the store.
public struct AuditFinding: Sendable, Equatable {
  public enum Kind: String, Sendable {
    /// On the server but not in the store.
    case missing
    /// In the store but not on the server.
    case extra
    /// In both, but the stored copy's bytes are missing or changed (see `BodyFiles`).
    case damaged
  }

  public enum Reason: String, Sendable {
    case notFetched = "not fetched"
    case expungedOnServer = "expunged on server"
    case uidValidityChanged = "UIDVALIDITY changed"
    case storedCopyDamaged = "stored copy damaged"
  }

  public var folder: String
  public var uid: UID
  /// The UIDVALIDITY that `uid` belongs to: the server's for a missing message, the stored
  /// one for an extra message.
  public var uidValidity: UInt32
  public var kind: Kind
  public var reason: Reason
  /// The decoded Subject, or nil when the message has none or the server did not return it.
  public var subject: String?
}

/// The audit of one folder.
public struct FolderAudit: Sendable {
  public var folder: String
  /// The server's UIDVALIDITY, or nil when the folder could not be opened.
  public var serverUIDValidity: UInt32?
  /// Every UID on the server, ascending.
  public var serverUIDs: [UID] = []
  public var findings: [AuditFinding] = []
  /// The failure that stopped this folder's audit, such as a folder deleted on the server.
  public var error: KithError?

  public var isClean: Bool { findings.isEmpty && error == nil }
}

/// The result of `MailboxAuditor.audit()`.
public struct AuditReport: Sendable {
  public var folders: [FolderAudit]

  public var isClean: Bool { folders.allSatisfy(\.isClean) }
  public var findings: [AuditFinding] { folders.flatMap(\.findings) }
}

/// Counters of `MailboxAuditor.repair(_:)`.
public struct AuditRepairSummary: Sendable, Equatable {
  public var fetchedCount = 0
  public var removedCount = 0
  /// Damaged stored copies replaced by a fresh fetch.
  public var replacedCount = 0
  public var resetFolders: [String] = []
}

/// Compares each synced folder of one account on the server with the store, and repairs the
/// differences.
///
/// The calls block on the network, so run them off the main actor when a UI is waiting.
public final class MailboxAuditor {
  public let account: AccountID
  private let options: IMAPConnectionOptions
  private let store: Store
  private let parse: (Data) -> ParsedMessage
  private let batchMessageLimit: Int
  private var logger: Logger

  public init(
    account: AccountID, options: IMAPConnectionOptions, store: Store, batchMessageLimit: Int = 200,
    parse: @escaping (Data) -> ParsedMessage = { MessageParser.parseHeaders($0) }
  ) {
    self.account = account
    self.options = options
    self.store = store
    self.parse = parse
    self.batchMessageLimit = batchMessageLimit
    var logger = Logger(label: "kith.audit")
    logger.metadata["account"] = String(describing: account)
    self.logger = logger
  }

  /// Audits every folder stored for the account.
  ///
  /// A folder that the server rejects (NO or BAD) gets its `error`, and the others go on.
  /// - Throws: `KithError` with `.authentication`, `.tls` or `.network` when the connection
  ///   fails, `.store` when the store fails.
  public func audit() throws -> AuditReport {
    logger.info("audit started", metadata: ["imap.server": options.description])
    let client = try IMAPClient(options: options)
    defer { client.logout() }
    let report = try audit(client: client)
    logger.info(
      "audit finished",
      metadata: ["audit.findings": String(report.findings.count), "audit.clean": String(report.isClean)])
    return report
  }

  /// Fetches the missing messages and removes the extra ones that `report` lists, then
  /// records each repaired folder as complete.
  ///
  /// - Throws: as `audit()`. Folders repaired before a failure stay repaired.
  @discardableResult
  public func repair(_ report: AuditReport) throws -> AuditRepairSummary {
    logger.info("repair started", metadata: ["audit.findings": String(report.findings.count)])
    let client = try IMAPClient(options: options)
    defer { client.logout() }
    var summary = AuditRepairSummary()
    for folder in report.folders where folder.error == nil && !folder.findings.isEmpty {
      try repair(folder, client: client, summary: &summary)
    }
    try store.compactBodyFilesIfNeeded()
    logger.info(
      "repair finished",
      metadata: [
        "audit.fetched": String(summary.fetchedCount), "audit.removed": String(summary.removedCount),
      ])
    return summary
  }

  // MARK: Audit

  private func audit(client: IMAPClient) throws -> AuditReport {
    var folders: [FolderAudit] = []
    for folder in try store.folderNames(account: account) {
      do {
        folders.append(try audit(folder, client: client))
      } catch let error as KithError where error.code == .serverResponse && !client.connection.isClosed {
        logger.error(
          "folder audit failed",
          metadata: ["imap.mailbox": folder, "error.code": error.code.rawValue, "error": error.description])
        folders.append(FolderAudit(folder: folder, error: error))
      }
    }
    return AuditReport(folders: folders)
  }

  private func audit(_ folder: String, client: IMAPClient) throws -> FolderAudit {
    let status = try client.examine(folder)
    let serverUIDs = status.exists == 0 ? [] : try client.allUIDs()
    let stored = try store.auditEntries(account: account, folder: folder)
    var result = FolderAudit(folder: folder, serverUIDValidity: status.uidValidity, serverUIDs: serverUIDs)

    let current = stored.filter { $0.uidValidity == status.uidValidity }
    let storedUIDs = Set(current.map(\.uid))
    let serverSet = Set(serverUIDs)
    let hasStale = current.count < stored.count
    let missingReason: AuditFinding.Reason = hasStale ? .uidValidityChanged : .notFetched

    let missing = serverUIDs.filter { !storedUIDs.contains($0) }
    let subjects = try fetchSubjects(missing, client: client)
    for uid in missing {
      result.findings.append(
        AuditFinding(
          folder: folder, uid: uid, uidValidity: status.uidValidity, kind: .missing,
          reason: missingReason, subject: subjects[uid]))
    }
    for entry in stored where entry.uidValidity != status.uidValidity || !serverSet.contains(entry.uid) {
      let reason: AuditFinding.Reason =
        entry.uidValidity != status.uidValidity ? .uidValidityChanged : .expungedOnServer
      result.findings.append(
        AuditFinding(
          folder: folder, uid: entry.uid, uidValidity: entry.uidValidity, kind: .extra,
          reason: reason, subject: entry.subject))
    }
    for entry in try store.damagedBodies(account: account, folder: folder)
    where entry.uidValidity == status.uidValidity && serverSet.contains(entry.uid) {
      result.findings.append(
        AuditFinding(
          folder: folder, uid: entry.uid, uidValidity: entry.uidValidity, kind: .damaged,
          reason: .storedCopyDamaged, subject: entry.subject))
    }
    logger.debug(
      "folder audited",
      metadata: [
        "imap.mailbox": folder, "audit.server": String(serverUIDs.count),
        "audit.stored": String(stored.count), "audit.findings": String(result.findings.count),
      ])
    return result
  }

  /// Returns the decoded Subject of each message with `uids`, read from its header only.
  private func fetchSubjects(_ uids: [UID], client: IMAPClient) throws -> [UID: String] {
    guard !uids.isEmpty else { return [:] }
    var subjects: [UID: String] = [:]
    for chunk in stride(from: 0, to: uids.count, by: 500).map({ Array(uids[$0..<min($0 + 500, uids.count)]) }) {
      let set = IMAPSequenceSet(numbers: chunk).wireText
      try client.execute("UID FETCH \(set) (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])") { response in
        // Servers echo the section in their own spelling, so any HEADER.FIELDS key matches.
        guard case .fetch(_, let attributes) = response, let uid = attributes.uid,
          let value = attributes.otherAttributes.first(where: { $0.key.hasPrefix("BODY[HEADER.FIELDS") })?.value,
          case .string(let header) = value
        else { return false }
        if let subject = parse(header).subject { subjects[uid] = subject }
        return true
      }
    }
    return subjects
  }

  // MARK: Repair

  private func repair(_ folder: FolderAudit, client: IMAPClient, summary: inout AuditRepairSummary) throws {
    guard let uidValidity = folder.serverUIDValidity else { return }
    let status = try client.examine(folder.folder)
    guard status.uidValidity == uidValidity else {
      throw KithError(
        .serverResponse,
        "The UIDVALIDITY of \(folder.folder) changed since the audit; run kith audit again.")
    }

    let stale = folder.findings.filter { $0.kind == .extra && $0.reason == .uidValidityChanged }
    if !stale.isEmpty {
      // The reset keeps the local flag state of the dropped messages for their new copies.
      try store.resetFolder(account: account, folder: folder.folder, uidValidity: uidValidity)
      summary.resetFolders.append(folder.folder)
      summary.removedCount += stale.count
    }
    let expunged = folder.findings.filter { $0.kind == .extra && $0.reason == .expungedOnServer }.map(\.uid)
    if !expunged.isEmpty {
      summary.removedCount += try store.removeMessages(account: account, folder: folder.folder, uids: expunged)
    }

    let missing = folder.findings.filter { $0.kind == .missing }.map(\.uid)
    let batches = stride(from: 0, to: missing.count, by: max(1, batchMessageLimit)).map {
      Array(missing[$0..<min($0 + max(1, batchMessageLimit), missing.count)])
    }
    try client.fetchMessages(batches: batches) { messages in
      let fetched = messages.map { message in
        FetchedMessage(
          uid: message.uid, flags: message.flags, internalDate: message.internalDate,
          raw: message.body, parsed: parse(message.body))
      }
      try store.storeFetched(
        account: account, folder: folder.folder, uidValidity: uidValidity, messages: fetched)
      summary.fetchedCount += fetched.count
    }
    let damaged = folder.findings.filter { $0.kind == .damaged }.map(\.uid)
    let damagedBatches = stride(from: 0, to: damaged.count, by: max(1, batchMessageLimit)).map {
      Array(damaged[$0..<min($0 + max(1, batchMessageLimit), damaged.count)])
    }
    try client.fetchMessages(batches: damagedBatches) { messages in
      summary.replacedCount += try store.replaceBodies(
        account: account, folder: folder.folder, uidValidity: uidValidity,
        bodies: messages.map { (uid: $0.uid, raw: $0.body) })
    }
    if let highest = folder.serverUIDs.last {
      try store.markFolderComplete(account: account, folder: folder.folder, highestUID: highest)
    }
    logger.info(
      "folder repaired",
      metadata: [
        "imap.mailbox": folder.folder, "audit.missing": String(missing.count),
        "audit.expunged": String(expunged.count), "audit.damaged": String(damaged.count),
      ])
  }
}
