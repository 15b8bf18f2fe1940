import Foundation
import KithCore

/// An in-memory `MailBrowsing` for UI tests: a few contacts, threads and messages, including
/// wide, combining and hostile text.
public final class SampleMailData: MailBrowsing {
  public var contacts: [ContactSummary]
  public var threadsByContact: [ContactID: [ThreadSummary]]
  public var messagesByThread: [ThreadID: [MessageDetail]]
  /// When set, every query throws it, to test how the UI reports failures.
  public var failure: Error?

  public init(
    contacts: [ContactSummary], threadsByContact: [ContactID: [ThreadSummary]],
    messagesByThread: [ThreadID: [MessageDetail]]
  ) {
    self.contacts = contacts
    self.threadsByContact = threadsByContact
    self.messagesByThread = messagesByThread
  }

  public func contactSummaries() throws -> [ContactSummary] {
    if let failure { throw failure }
    return contacts
  }

  public func threadSummaries(for contact: ContactID) throws -> [ThreadSummary] {
    if let failure { throw failure }
    return threadsByContact[contact] ?? []
  }

  public func messageDetails(in thread: ThreadID) throws -> [MessageDetail] {
    if let failure { throw failure }
    return messagesByThread[thread] ?? []
  }

  /// The ids passed to `markSeen`, in call order, so tests can check what the UI marked read.
  public private(set) var markedSeen: [MessageRowID] = []
  /// Attachment bytes by message and index, returned by `attachmentData`.
  public var attachments: [MessageRowID: [Data]] = [:]

  /// Marks the messages read and recounts unread messages as the store would: each thread
  /// that has messages here gets the number of its unread ones, and each contact the sum
  /// over its threads.
  public func markSeen(_ messages: [MessageRowID]) throws {
    if let failure { throw failure }
    markedSeen.append(contentsOf: messages)
    for (thread, details) in messagesByThread {
      messagesByThread[thread] = details.map { detail in
        var copy = detail
        if messages.contains(detail.id) { copy.isSeen = true }
        return copy
      }
    }
    recountUnread()
  }

  private func recountUnread() {
    for (contact, threads) in threadsByContact {
      let counted = threads.map { thread in
        var copy = thread
        if let details = messagesByThread[thread.id] {
          copy.unreadCount = details.filter { !$0.isSeen }.count
        }
        return copy
      }
      threadsByContact[contact] = counted
      if let index = contacts.firstIndex(where: { $0.id == contact }) {
        contacts[index].unreadCount = counted.map(\.unreadCount).reduce(0, +)
      }
    }
  }

  public func attachmentData(of message: MessageRowID, index: Int) throws -> Data? {
    if let failure { throw failure }
    guard let list = attachments[message], list.indices.contains(index) else { return nil }
    return list[index]
  }

  /// A fixed reference time, 2026-03-02 09:30 UTC, so dates in tests do not drift.
  public static let referenceDate = Date(timeIntervalSince1970: 1_772_443_800)

  /// Three contacts: Ada with two threads, 山田 太郎 with one in Japanese, and a contact whose
  /// name and subject carry escape sequences and a bidirectional override. Ada's first
  /// thread has an unread message and a CSV attachment. Mallory's message has an attachment
  /// whose name hides ".exe" behind a bidirectional override.
  public static func standard() -> SampleMailData {
    let ada = ContactID(1)
    let yamada = ContactID(2)
    let mallory = ContactID(3)
    let day: TimeInterval = 86_400
    let base = referenceDate

    let contacts = [
      ContactSummary(
        id: ada, name: "Ada Lovelace", companyName: "Analytical Engines", emails: ["ada@example.org"],
        messageCount: 3, unreadCount: 1, lastMessageDate: base),
      ContactSummary(
        id: yamada, name: "山田 太郎", companyName: "東京商事", emails: ["taro@example.jp"],
        messageCount: 1, unreadCount: 0, lastMessageDate: base - 2 * day),
      ContactSummary(
        id: mallory, name: "Mallory\u{1B}[31m Evil", companyName: nil,
        emails: ["mallory@example.net"], messageCount: 1, unreadCount: 0,
        lastMessageDate: base - 5 * day),
    ]

    let threads: [ContactID: [ThreadSummary]] = [
      ada: [
        ThreadSummary(
          id: ThreadID(10), subject: "Quarterly numbers", participants: ["Ada Lovelace", "Me"],
          messageCount: 2, unreadCount: 1, lastMessageDate: base),
        ThreadSummary(
          id: ThreadID(11), subject: "Lunch on Friday?", participants: ["Ada Lovelace"],
          messageCount: 1, unreadCount: 0, lastMessageDate: base - day),
      ],
      yamada: [
        ThreadSummary(
          id: ThreadID(20), subject: "会議の件 👩‍👩‍👧", participants: ["山田 太郎"],
          messageCount: 1, unreadCount: 0, lastMessageDate: base - 2 * day)
      ],
      mallory: [
        ThreadSummary(
          id: ThreadID(30), subject: "invoice\u{202E}fdp.exe\u{1B}]0;pwned\u{07}",
          participants: ["Mallory"], messageCount: 1, unreadCount: 0,
          lastMessageDate: base - 5 * day)
      ],
    ]

    let adaAddress = Address(name: "Ada Lovelace", email: "ada@example.org")
    let me = Address(name: "Me", email: "me@example.com")
    let messages: [ThreadID: [MessageDetail]] = [
      ThreadID(10): [
        MessageDetail(
          id: MessageRowID(100), folder: "INBOX", subject: "Quarterly numbers", from: [adaAddress],
          to: [me], cc: [], date: base - 3600, bodyText: "Here are the numbers for Q1.\nTotal: 42",
          attachments: [AttachmentInfo(filename: "q1.csv", mimeType: "text/csv", size: 2048)],
          isSeen: true),
        MessageDetail(
          id: MessageRowID(101), folder: "INBOX", subject: "Re: Quarterly numbers", from: [me],
          to: [adaAddress], cc: [], date: base,
          bodyText: "Thanks!\tLooks right.\r\n\r\n> Here are the numbers for Q1.", attachments: [],
          isSeen: false),
      ],
      ThreadID(11): [
        MessageDetail(
          id: MessageRowID(110), folder: "INBOX", subject: "Lunch on Friday?", from: [adaAddress],
          to: [me], cc: [], date: base - day, bodyText: "Shall we meet at noon?", attachments: [],
          isSeen: true)
      ],
      ThreadID(20): [
        MessageDetail(
          id: MessageRowID(200), folder: "INBOX", subject: "会議の件",
          from: [Address(name: "山田 太郎", email: "taro@example.jp")], to: [me], cc: [],
          date: base - 2 * day, bodyText: "来週の会議について。\nよろしくお願いします。", attachments: [],
          isSeen: true)
      ],
      ThreadID(30): [
        MessageDetail(
          id: MessageRowID(300), folder: "INBOX", subject: "invoice", from: [],
          to: [me], cc: [], date: base - 5 * day,
          bodyText: "Pay now\u{1B}[2J\u{1B}P1$r\u{1B}\\ please\u{9B}1m",
          attachments: [
            AttachmentInfo(
              filename: "invoice\u{202E}fdp.exe", mimeType: "application/octet-stream", size: 4)
          ],
          isSeen: true)
      ],
    ]
    let data = SampleMailData(
      contacts: contacts, threadsByContact: threads, messagesByThread: messages)
    data.attachments = [
      MessageRowID(100): [Data((0..<2048).map { UInt8(truncatingIfNeeded: $0) })],
      MessageRowID(300): [Data("MZ\u{0}\u{0}".utf8)],
    ]
    return data
  }

  /// Returns `count` plain contacts named "Contact 1", "Contact 2", ..., without threads.
  public static func manyContacts(_ count: Int) -> SampleMailData {
    let contacts = (1...max(1, count)).map { number in
      ContactSummary(
        id: ContactID(Int64(number)), name: "Contact \(number)", companyName: nil,
        emails: ["c\(number)@example.org"], messageCount: number, unreadCount: 0,
        lastMessageDate: nil)
    }
    return SampleMailData(contacts: contacts, threadsByContact: [:], messagesByThread: [:])
  }
}
