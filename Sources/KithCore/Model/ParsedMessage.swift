import Foundation

/// Metadata of one attachment: decoded file name, MIME type and decoded size in bytes.
public struct AttachmentInfo: Hashable, Sendable {
  public var filename: String?
  public var mimeType: String
  public var size: Int

  public init(filename: String?, mimeType: String, size: Int) {
    self.filename = filename
    self.mimeType = mimeType
    self.size = size
  }
}

/// The fields Kith keeps from one parsed RFC 5322 message.
///
/// Strings are decoded to Unicode but not sanitized for the terminal: the UI's sanitizer
/// does that before drawing.
public struct ParsedMessage: Sendable {
  public var messageID: String?
  public var inReplyTo: String?
  /// Message-IDs from References, oldest first, without angle brackets.
  public var references: [String]
  public var subject: String?
  public var from: [Address]
  public var to: [Address]
  public var cc: [Address]
  public var replyTo: [Address]
  /// The Date header as a point in time, or nil when missing or unreadable.
  public var date: Date?
  /// The text body: text/plain when present, else HTML turned into text.
  public var bodyText: String
  public var attachments: [AttachmentInfo]
  /// Problems met while decoding (bad charset, missing boundary), for the message pane.
  public var notes: [String]

  public init(
    messageID: String? = nil, inReplyTo: String? = nil, references: [String] = [],
    subject: String? = nil, from: [Address] = [], to: [Address] = [], cc: [Address] = [],
    replyTo: [Address] = [], date: Date? = nil, bodyText: String = "",
    attachments: [AttachmentInfo] = [], notes: [String] = []
  ) {
    self.messageID = messageID
    self.inReplyTo = inReplyTo
    self.references = references
    self.subject = subject
    self.from = from
    self.to = to
    self.cc = cc
    self.replyTo = replyTo
    self.date = date
    self.bodyText = bodyText
    self.attachments = attachments
    self.notes = notes
  }

  /// Every address in From, To, Cc and Reply-To: the ones that link a message to contacts.
  public var linkingAddresses: [Address] { from + to + cc + replyTo }
}
