import Testing

@testable import KithCore

@Test func addressDomainIsLowercased() {
  let address = Address(name: "Ann", email: "ann@Example.COM")
  #expect(address.domain == "example.com")
  #expect(address.normalizedEmail == "ann@example.com")
}
