import Foundation
import Testing

@testable import KithCore

@Suite struct ContactTests {
  @Test func addAndReadContact() throws {
    let store = try Store.inMemory()
    let id = try store.addContact(
      name: " Ann Lee ", emails: ["ann@acme.example", "ANN@acme.example", "ann@gmail.com"],
      phone: "+1 555", title: "CTO", companyName: "Acme", notes: "VIP")

    let contact = try #require(try store.contact(id))
    #expect(contact.name == "Ann Lee")
    #expect(contact.emails == ["ann@acme.example", "ann@gmail.com"])
    #expect(contact.phone == "+1 555")
    #expect(contact.title == "CTO")
    #expect(contact.notes == "VIP")
    #expect(contact.companyName == "Acme")
    #expect(try store.companies().map(\.domain) == ["acme.example"])
  }

  @Test func webmailDomainIsNotCompanyDomain() throws {
    let store = try Store.inMemory()
    _ = try store.addContact(name: "Ann", emails: ["ann@gmail.com"], companyName: "Acme")
    #expect(try store.company(named: "acme")?.domain == nil)

    _ = try store.addContact(name: "Bob", emails: ["bob@acme.example"], companyName: "ACME")
    #expect(try store.company(named: "acme")?.domain == "acme.example")
  }

  @Test func emailBelongsToOneContact() throws {
    let store = try Store.inMemory()
    _ = try store.addContact(name: "Ann", emails: ["ann@example.com"])

    let error = #expect(throws: KithError.self) {
      try store.addContact(name: "Other", emails: ["Ann@Example.com"])
    }
    #expect(error?.code == .invalidInput)
    #expect(error?.message == "The address Ann@Example.com already belongs to the contact Ann.")
    #expect(try store.contacts().count == 1)
  }

  @Test func invalidEmailIsRejected() throws {
    let store = try Store.inMemory()
    let error = #expect(throws: KithError.self) {
      try store.addContact(name: "Ann", emails: ["not an address"])
    }
    #expect(error?.message == "\"not an address\" is not a valid email address: expected name@domain.")
  }

  @Test func nameFallsBackToEmail() throws {
    let store = try Store.inMemory()
    let id = try store.addContact(name: "", emails: ["ann@example.com"])
    #expect(try store.contact(id)?.name == "ann@example.com")
    #expect(throws: KithError.self) { try store.addContact(name: " ", emails: []) }
  }

  @Test func updateReplacesFieldsAndEmails() throws {
    let store = try Store.inMemory()
    let id = try store.addContact(name: "Ann", emails: ["ann@old.example"])
    let company = try store.addCompany(name: "New Co", domain: "New.Example")
    var contact = try #require(try store.contact(id))
    contact.name = "Ann Lee"
    contact.emails = ["ann@new.example"]
    contact.companyID = company
    contact.phone = "  "

    try store.updateContact(contact)

    let saved = try #require(try store.contact(id))
    #expect(saved.name == "Ann Lee")
    #expect(saved.emails == ["ann@new.example"])
    #expect(saved.companyName == "New Co")
    #expect(saved.phone == nil)
    #expect(try store.contact(forEmail: "ann@old.example") == nil)
    #expect(try store.companies().first?.domain == "new.example")
  }

  @Test func addAndRemoveEmail() throws {
    let store = try Store.inMemory()
    let id = try store.addContact(name: "Ann", emails: ["a@example.com"])
    try store.addEmail("b@example.com", to: id)
    #expect(try store.contact(id)?.emails == ["a@example.com", "b@example.com"])

    #expect(try store.removeEmail("A@example.com"))
    #expect(try store.contact(id)?.emails == ["b@example.com"])
  }

  @Test func deletingCompanyKeepsContacts() throws {
    let store = try Store.inMemory()
    let id = try store.addContact(name: "Ann", emails: ["a@example.com"], companyName: "Acme")
    let company = try #require(try store.company(named: "Acme"))
    #expect(try store.contacts(of: company.id).map(\.id) == [id])

    try store.deleteCompany(company.id)

    #expect(try store.contact(id)?.companyID == nil)
    #expect(try store.companies().isEmpty)
  }

  @Test func deletingContactKeepsMail() throws {
    let store = try Store.inMemory()
    let account = try store.accountID(forKey: "me@home.net")
    let id = try store.addContact(name: "Ann", emails: ["ann@example.com"])
    try store.storeFetched(
      account: account, folder: "INBOX", uidValidity: 1,
      messages: [StoreFixture.message(uid: 1, id: "a@x", from: [Address(name: nil, email: "ann@example.com")])])

    try store.deleteContact(id)

    #expect(try store.contacts().isEmpty)
    #expect(try store.messageCount(account: account, folder: "INBOX") == 1)
    #expect(try store.unmatchedSenders().map(\.email) == ["ann@example.com"])
  }

  @Test func companyNamesAreUnique() throws {
    let store = try Store.inMemory()
    _ = try store.addCompany(name: "Acme")
    let error = #expect(throws: KithError.self) { try store.addCompany(name: "ACME") }
    #expect(error?.message == "A company named Acme already exists.")
  }
}
