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
    let raw = rawMessage(id: id, subject: subject, body: body, attachments: attachments)
    return FetchedMessage(uid: uid, flags: flags, internalDate: parsed.date, raw: raw, parsed: parsed)
  }

  /// Returns a raw message whose parsed body text is `body` and whose attachments have the
  /// given names, types and decoded sizes, because the store parses bodies from the raw data.
  static func rawMessage(id: String?, subject: String?, body: String, attachments: [AttachmentInfo]) -> Data {
    var text = "Message-ID: <\(id ?? "none")>\r\nSubject: \(subject ?? "")\r\nMIME-Version: 1.0\r\n"
    guard !attachments.isEmpty else {
      return Data((text + "Content-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n").utf8)
    }
    let boundary = "fixture-boundary"
    text += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n"
    text += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n"
    for attachment in attachments {
      let content = Data(repeating: 0x41, count: attachment.size).base64EncodedString(options: .lineLength76Characters)
      let name = attachment.filename.map { "; filename=\"\($0)\"" } ?? ""
      text += "--\(boundary)\r\nContent-Type: \(attachment.mimeType)\r\n"
      text += "Content-Disposition: attachment\(name)\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      text += content + "\r\n"
    }
    return Data((text + "--\(boundary)--\r\n").utf8)
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
