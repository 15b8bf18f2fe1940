import Foundation
import Testing

@testable import KithCore

@Suite struct ContactImportTests {
  let file = """
    BEGIN:VCARD
    VERSION:3.0
    FN:Ann Lee
    ORG:Acme
    EMAIL;TYPE=WORK:ann@acme.example
    TEL:+1 555 0100
    TITLE:CTO
    END:VCARD
    BEGIN:VCARD
    VERSION:4.0
    FN:Bob Stone
    ORG:acme
    EMAIL:bob@gmail.com
    EMAIL;PREF=1:bob@acme.example
    END:VCARD
    BEGIN:VCARD
    VERSION:3.0
    FN:Broken
    EMAIL:broken.example.com
    END:VCARD
    BEGIN:VCARD
    VERSION:3.0
    FN:Phone Only
    TEL:+1 555 0199
    END:VCARD
    BEGIN:VCARD
    VERSION:3.0
    FN:Ann Again
    EMAIL:ANN@acme.example
    END:VCARD
    """

  @Test func importReportsEachCard() throws {
    let store = try Store.inMemory()
    let cards = VCardImporter.parse(file).cards

    let report = try store.importContacts(cards)

    #expect(report.imported.count == 3)
    #expect(report.rejected == [.init(name: "Broken", reason: "\"broken.example.com\" is not a valid email address.")])
    #expect(report.skippedAsDuplicates == [.init(name: "Ann Again", reason: "ANN@acme.example already belongs to the contact Ann Lee.")])

    let ann = try #require(try store.contact(forEmail: "ann@acme.example"))
    let annRecord = try #require(try store.contact(ann))
    #expect(annRecord.phone == "+1 555 0100")
    #expect(annRecord.title == "CTO")
    #expect(annRecord.companyName == "Acme")
    let bobID = try #require(try store.contact(forEmail: "bob@gmail.com"))
    let bob = try #require(try store.contact(bobID))
    #expect(bob.emails == ["bob@acme.example", "bob@gmail.com"])
    #expect(bob.companyID == annRecord.companyID)
    #expect(try store.companies().map(\.domain) == ["acme.example"])
  }

  @Test func secondImportAddsNothing() throws {
    let store = try Store.inMemory()
    let cards = VCardImporter.parse(file).cards
    _ = try store.importContacts(cards)
    let countBefore = try store.contacts().count

    let report = try store.importContacts(cards)

    #expect(report.imported.isEmpty)
    #expect(report.skippedAsDuplicates.count == 4)
    #expect(report.rejected.count == 1)
    #expect(try store.contacts().count == countBefore)
    #expect(report.skippedAsDuplicates.contains {
      $0.name == "Phone Only" && $0.reason == "A contact named Phone Only without an email address already exists."
    })
  }

  @Test func importedContactsLinkStoredMail() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [StoreFixture.message(uid: 1, id: "a@x", from: [Address(name: "Bob", email: "Bob@Acme.example")])])

    _ = try store.importContacts(VCardImporter.parse(file).cards)

    let bob = try #require(try store.contactSummaries().first { $0.name == "Bob Stone" })
    #expect(bob.messageCount == 1)
    #expect(bob.companyName == "Acme")
  }
}
