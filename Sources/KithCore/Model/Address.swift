/// One mailbox from an address header: an optional display name and an address.
public struct Address: Hashable, Sendable, CustomStringConvertible {
  /// The decoded display name, or nil when the header gave none.
  public var name: String?
  /// The address as written (local part, "@", domain); may lack a domain in broken mail.
  public var email: String

  public init(name: String?, email: String) {
    self.name = name
    self.email = email
  }

  /// The address folded to lower case, the key used to link mail to contacts.
  public var normalizedEmail: String { email.lowercased() }

  /// The part after the last "@", lower-cased, or an empty string.
  public var domain: String {
    guard let at = email.lastIndex(of: "@") else { return "" }
    return String(email[email.index(after: at)...]).lowercased()
  }

  public var description: String {
    if let name, !name.isEmpty { return "\(name) <\(email)>" }
    return email
  }
}
