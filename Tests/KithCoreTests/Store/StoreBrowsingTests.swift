import Foundation
import Testing

@testable import KithCore

@Suite struct StoreBrowsingTests {
  typealias Fixture = StoreFixture
  let ann = Address(name: "Ann Lee", email: "Ann@Example.com")
  let bob = Address(name: "Bob", email: "bob@example.org")
  let me = Address(name: "Me", email: "me@home.net")

  @Test(arguments: ["from", "to", "cc", "reply-to"])
  func linkingCoversEveryAddressRole(role: String) throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let other = Address(name: nil, email: "someone@else.net")
    let message = Fixture.message(
      uid: 1, id: "a@x", from: role == "from" ? [ann] : [other], to: role == "to" ? [ann] : [],
      cc: role == "cc" ? [ann] : [], replyTo: role == "reply-to" ? [ann] : [])
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [message])

    let contact = try store.addContact(name: "Ann", emails: ["ann@example.com"])

    let summary = try #require(try store.contactSummaries().first { $0.id == contact })
    #expect(summary.messageCount == 1)
    #expect(try store.threadSummaries(for: contact).count == 1)
  }

  @Test func linkingIgnoresCase() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "a@x", from: [Address(name: nil, email: "ANN@EXAMPLE.COM")]),
        Fixture.message(uid: 2, id: "b@x", from: [me], to: [Address(name: nil, email: "ann@example.com")]),
      ])
    let contact = try store.addContact(name: "Ann", emails: ["Ann@Example.Com"])

    let summary = try #require(try store.contactSummaries().first)
    #expect(summary.id == contact)
    #expect(summary.messageCount == 2)
    #expect(try store.contact(forEmail: "aNN@example.com") == contact)
  }

  @Test func contactAddedAfterMailLinks() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1, id: "a@x", from: [bob])])
    let early = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    #expect(try store.threadSummaries(for: early).isEmpty)

    let late = try store.addContact(name: "Bob", emails: ["bob@example.org"])

    #expect(try store.threadSummaries(for: late).count == 1)
  }

  @Test func messageLinkedToSeveralContacts() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let annContact = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    let bobContact = try store.addContact(name: "Bob", emails: ["bob@example.org"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [Fixture.message(uid: 1, id: "a@x", from: [ann], cc: [bob])])

    #expect(try store.threadSummaries(for: annContact).count == 1)
    #expect(try store.threadSummaries(for: bobContact).count == 1)
  }

  @Test func contactSummariesCountAndOrder() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let annContact = try store.addContact(
      name: "Ann Lee", emails: ["ann@example.com", "ann.lee@example.com"], companyName: "Example")
    let bobContact = try store.addContact(name: "Bob", emails: ["bob@example.org"])
    let quiet = try store.addContact(name: "Quiet", emails: ["quiet@example.net"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "1@x", from: [ann], minutes: 10, flags: ["\\Seen"]),
        Fixture.message(uid: 2, id: "2@x", from: [Address(name: nil, email: "ann.lee@example.com")], minutes: 20),
        Fixture.message(uid: 3, id: "3@x", from: [bob], minutes: 30),
        // To and Cc both name Ann: still one message.
        Fixture.message(uid: 4, id: "4@x", from: [me], to: [ann], cc: [ann], minutes: 5),
      ])

    let summaries = try store.contactSummaries()

    #expect(summaries.map(\.id) == [bobContact, annContact, quiet])
    let annSummary = summaries[1]
    #expect(annSummary.name == "Ann Lee")
    #expect(annSummary.companyName == "Example")
    #expect(annSummary.emails == ["ann@example.com", "ann.lee@example.com"])
    #expect(annSummary.messageCount == 3)
    #expect(annSummary.unreadCount == 2)
    #expect(annSummary.lastMessageDate == Fixture.baseDate.addingTimeInterval(20 * 60))
    #expect(summaries[2].messageCount == 0)
    #expect(summaries[2].lastMessageDate == nil)
  }

  @Test func threadSummaryContent() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let contact = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "1@x", subject: "Quote", from: [ann], to: [me], minutes: 0, flags: ["\\Seen"]),
        Fixture.message(
          uid: 3, id: "3@x", inReplyTo: "<2@x>", references: ["1@x", "2@x"], subject: "Re: Quote",
          from: [Address(name: nil, email: "ann@example.com")], to: [me], minutes: 20),
      ])
    try store.storeFetched(
      account: account, folder: "Sent", uidValidity: 1,
      messages: [
        Fixture.message(
          uid: 1, id: "2@x", inReplyTo: "<1@x>", references: ["1@x"], subject: "Re: Quote", from: [me],
          to: [ann], minutes: 10, flags: ["\\Seen"])
      ])

    let threads = try store.threadSummaries(for: contact)

    #expect(threads.count == 1)
    let thread = try #require(threads.first)
    #expect(thread.subject == "Quote")
    #expect(thread.participants == ["Ann Lee", "Me"])
    #expect(thread.messageCount == 3)
    #expect(thread.unreadCount == 1)
    #expect(thread.lastMessageDate == Fixture.baseDate.addingTimeInterval(20 * 60))
  }

  @Test func threadSummariesNewestFirst() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let contact = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "old@x", subject: "Old", from: [ann], minutes: 0),
        Fixture.message(uid: 2, id: "new@x", subject: "New", from: [ann], minutes: 60),
        Fixture.message(uid: 3, id: "mid@x", subject: "Middle", from: [ann], minutes: 30),
      ])

    #expect(try store.threadSummaries(for: contact).map(\.subject) == ["New", "Middle", "Old"])
  }

  @Test func messageDetailsOldestFirst() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let attachment = AttachmentInfo(filename: "offer.pdf", mimeType: "application/pdf", size: 1234)
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(
          uid: 2, id: "2@x", inReplyTo: "1@x", subject: "Re: Offer", from: [ann], to: [me],
          cc: [bob], minutes: 10, flags: ["\\Seen"], body: "Thanks", attachments: [attachment]),
        Fixture.message(uid: 1, id: "1@x", subject: "Offer", from: [me], to: [ann], minutes: 0, body: "Here"),
      ])
    let firstID = try #require(try store.messageRowID(account: account, folder: "INBOX", uid: 1))
    let thread = try #require(try store.threadID(of: firstID))

    let details = try store.messageDetails(in: thread)

    #expect(details.map(\.bodyText) == ["Here", "Thanks"])
    let reply = details[1]
    #expect(reply.folder == "INBOX")
    #expect(reply.subject == "Re: Offer")
    #expect(reply.from == [ann])
    #expect(reply.to == [me])
    #expect(reply.cc == [bob])
    #expect(reply.date == Fixture.baseDate.addingTimeInterval(600))
    #expect(reply.attachments == [attachment])
    #expect(reply.isSeen)
    #expect(!details[0].isSeen)
  }

  @Test func duplicateCopyShownOnce() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let contact = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    let copy = Fixture.message(uid: 1, id: "same@x", from: [me], to: [ann])
    try store.storeFetched(account: account, folder: "Sent", uidValidity: 1, messages: [copy])
    try store.storeFetched(account: account, folder: "INBOX", uidValidity: 1, messages: [copy])

    #expect(try store.contactSummaries().first?.messageCount == 1)
    let thread = try #require(try store.threadSummaries(for: contact).first)
    #expect(thread.messageCount == 1)
    #expect(try store.messageDetails(in: thread.id).map(\.folder) == ["Sent"])

    // When the first copy goes, the other one takes its place.
    try store.resetFolder(account: account, folder: "Sent", uidValidity: 2)
    #expect(try store.messageDetails(in: thread.id).map(\.folder) == ["INBOX"])
    #expect(try store.contactSummaries().first?.messageCount == 1)
  }

  @Test func participantsUseNamesWithoutRepeats() {
    let senders: [(name: String?, email: String, key: String)] = [
      (nil, "Ann@x", "ann@x"), ("Bob", "bob@x", "bob@x"), ("Ann", "ann@x", "ann@x"),
      ("Bob", "bob@x", "bob@x"), ("", "carl@x", "carl@x"),
    ]
    #expect(Store.participants(senders) == ["Ann", "Bob", "carl@x"])
  }

  @Test func unmatchedSendersListsUnknownFrom() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    _ = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "1@x", from: [ann]),
        Fixture.message(uid: 2, id: "2@x", from: [Address(name: nil, email: "Bob@example.org")], minutes: 1),
        Fixture.message(uid: 3, id: "3@x", from: [bob], minutes: 2),
      ])

    let senders = try store.unmatchedSenders()

    #expect(senders == [UnmatchedSender(email: "bob@example.org", name: "Bob", messageCount: 2)])
  }

  @Test func companyTimelineUnitesContacts() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    _ = try store.addContact(name: "Ann", emails: ["ann@example.com"], companyName: "Example")
    _ = try store.addContact(name: "Carl", emails: ["carl@example.com"], companyName: "example")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [
        Fixture.message(uid: 1, id: "1@x", subject: "From Ann", from: [ann]),
        Fixture.message(uid: 2, id: "2@x", subject: "From Carl", from: [Address(name: "Carl", email: "carl@example.com")], minutes: 5),
        Fixture.message(uid: 3, id: "3@x", subject: "From Bob", from: [bob], minutes: 9),
      ])
    let company = try #require(try store.company(named: "EXAMPLE"))

    let threads = try store.threadSummaries(forCompany: company.id)

    #expect(try store.companies().count == 1)
    #expect(company.domain == "example.com")
    #expect(threads.map(\.subject) == ["From Carl", "From Ann"])
  }
}
