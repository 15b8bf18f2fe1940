import Foundation

@testable import KithCore

/// Builders for store tests; messages are built directly, without the MIME parser.
enum StoreFixture {
  static let baseDate = Date(timeIntervalSince1970: 1_700_000_000)

  /// Returns a fetched message with `uid`, dated `minutes` after `baseDate`.
  static func message(
    uid: UID, id: String? = nil, inReplyTo: String? = nil, references: [String] = [],
    subject: String? = "Subject", from: [Address] = [Address(name: "Ann", email: "ann@example.com")],
    to: [Address] = [], cc: [Address] = [], replyTo: [Address] = [], minutes: Double = 0,
    flags: [String] = [], body: String = "Body", attachments: [AttachmentInfo] = []
  ) -> FetchedMessage {
    let parsed = ParsedMessage(
      messageID: id, inReplyTo: inReplyTo, references: references, subject: subject, from: from,
      to: to, cc: cc, replyTo: replyTo, date: baseDate.addingTimeInterval(minutes * 60),
      bodyText: body, attachments: attachments)
    let raw = Data("Message-ID: <\(id ?? "none")>\r\nSubject: \(subject ?? "")\r\n\r\n\(body)\r\n".utf8)
    return FetchedMessage(uid: uid, flags: flags, internalDate: parsed.date, raw: raw, parsed: parsed)
  }

  /// Returns a new temporary folder for a file-backed store.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Returns the thread of each message with the given UIDs in `folder`, in argument order.
  static func threads(_ store: Store, account: AccountID, folder: String = "INBOX", uids: [UID])
    throws -> [ThreadID]
  {
    try uids.map { uid in
      let row = try store.messageRowID(account: account, folder: folder, uid: uid)!
      return try store.threadID(of: row)!
    }
  }
}
