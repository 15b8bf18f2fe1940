import Foundation

/// One row of the contacts pane.
public struct ContactSummary: Hashable, Sendable {
  public var id: ContactID
  public var name: String
  public var companyName: String?
  public var emails: [String]
  public var messageCount: Int
  public var unreadCount: Int
  public var lastMessageDate: Date?

  public init(
    id: ContactID, name: String, companyName: String?, emails: [String], messageCount: Int,
    unreadCount: Int, lastMessageDate: Date?
  ) {
    self.id = id
    self.name = name
    self.companyName = companyName
    self.emails = emails
    self.messageCount = messageCount
    self.unreadCount = unreadCount
    self.lastMessageDate = lastMessageDate
  }
}

/// One row of the threads pane: a conversation that involves the selected contact.
public struct ThreadSummary: Hashable, Sendable {
  public var id: ThreadID
  public var subject: String
  /// Display names (or addresses) of the thread's senders, oldest first, without repeats.
  public var participants: [String]
  public var messageCount: Int
  public var unreadCount: Int
  public var lastMessageDate: Date?

  public init(
    id: ThreadID, subject: String, participants: [String], messageCount: Int, unreadCount: Int,
    lastMessageDate: Date?
  ) {
    self.id = id
    self.subject = subject
    self.participants = participants
    self.messageCount = messageCount
    self.unreadCount = unreadCount
    self.lastMessageDate = lastMessageDate
  }
}

/// One message of a thread as the message pane shows it.
public struct MessageDetail: Hashable, Sendable {
  public var id: MessageRowID
  public var folder: String
  public var subject: String?
  public var from: [Address]
  public var to: [Address]
  public var cc: [Address]
  public var date: Date?
  public var bodyText: String
  public var attachments: [AttachmentInfo]
  public var isSeen: Bool

  public init(
    id: MessageRowID, folder: String, subject: String?, from: [Address], to: [Address],
    cc: [Address], date: Date?, bodyText: String, attachments: [AttachmentInfo], isSeen: Bool
  ) {
    self.id = id
    self.folder = folder
    self.subject = subject
    self.from = from
    self.to = to
    self.cc = cc
    self.date = date
    self.bodyText = bodyText
    self.attachments = attachments
    self.isSeen = isSeen
  }
}

/// The read-only queries the UI draws from. The store implements them, so the UI contains no SQL.
public protocol MailBrowsing: AnyObject {
  /// Returns every contact, ordered by the date of the last message (newest first), then name.
  func contactSummaries() throws -> [ContactSummary]
  /// Returns the threads that contain a message linked to `contact`, newest first.
  func threadSummaries(for contact: ContactID) throws -> [ThreadSummary]
  /// Returns the messages of `thread`, oldest first.
  func messageDetails(in thread: ThreadID) throws -> [MessageDetail]
  /// Marks messages read at once and queues the change for the server.
  func markSeen(_ messages: [MessageRowID]) throws
  /// Returns the decoded bytes of attachment `index` of `message`, or nil when missing.
  func attachmentData(of message: MessageRowID, index: Int) throws -> Data?
}
