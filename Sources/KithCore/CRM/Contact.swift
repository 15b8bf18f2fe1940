/// A CRM contact with its addresses and company.
public struct Contact: Hashable, Sendable {
  public var id: ContactID
  public var name: String
  /// Addresses as entered, in the order given; the first is the preferred one.
  public var emails: [String]
  public var phone: String?
  public var title: String?
  public var notes: String?
  public var companyID: CompanyID?
  public var companyName: String?

  public init(
    id: ContactID, name: String, emails: [String], phone: String? = nil, title: String? = nil,
    notes: String? = nil, companyID: CompanyID? = nil, companyName: String? = nil
  ) {
    self.id = id
    self.name = name
    self.emails = emails
    self.phone = phone
    self.title = title
    self.notes = notes
    self.companyID = companyID
    self.companyName = companyName
  }
}

/// A CRM company (an "account" in most CRMs).
public struct Company: Hashable, Sendable {
  public var id: CompanyID
  public var name: String
  /// The mail domain, lower-cased, such as `example.com`.
  public var domain: String?
  public var notes: String?

  public init(id: CompanyID, name: String, domain: String?, notes: String?) {
    self.id = id
    self.name = name
    self.domain = domain
    self.notes = notes
  }
}

/// A sender address that no contact has, for the list of unmatched senders.
public struct UnmatchedSender: Hashable, Sendable {
  public var email: String
  /// The display name from the newest message that gave one.
  public var name: String?
  public var messageCount: Int

  public init(email: String, name: String?, messageCount: Int) {
    self.email = email
    self.name = name
    self.messageCount = messageCount
  }
}
