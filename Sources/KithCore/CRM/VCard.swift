/// The fields Kith takes from one vCard (RFC 2426 for 3.0, RFC 6350 for 4.0, and 2.1).
public struct VCard: Hashable, Sendable {
  /// An EMAIL or TEL value with its TYPE parameters, lower-cased.
  public struct TypedValue: Hashable, Sendable {
    public var value: String
    public var types: [String]
    /// Whether the card marks this value as preferred (`TYPE=pref` or `PREF=1`).
    public var isPreferred: Bool

    public init(value: String, types: [String] = [], isPreferred: Bool = false) {
      self.value = value
      self.types = types
      self.isPreferred = isPreferred
    }
  }

  /// The VERSION value, such as "3.0"; nil when the card has none.
  public var version: String?
  /// FN, the formatted name.
  public var formattedName: String?
  /// The family and given name components of N.
  public var familyName: String?
  public var givenName: String?
  public var emails: [TypedValue]
  public var phones: [TypedValue]
  /// The first component of ORG: the organization's name without its units.
  public var organization: String?
  public var title: String?
  public var note: String?
  /// The 1-based line of BEGIN:VCARD in the input, for problem reports.
  public var line: Int

  public init(
    version: String? = nil, formattedName: String? = nil, familyName: String? = nil,
    givenName: String? = nil, emails: [TypedValue] = [], phones: [TypedValue] = [],
    organization: String? = nil, title: String? = nil, note: String? = nil, line: Int = 0
  ) {
    self.version = version
    self.formattedName = formattedName
    self.familyName = familyName
    self.givenName = givenName
    self.emails = emails
    self.phones = phones
    self.organization = organization
    self.title = title
    self.note = note
    self.line = line
  }

  /// FN, else the given and family names joined, else nil.
  public var displayName: String? {
    if let formattedName, !formattedName.isEmpty { return formattedName }
    let parts = [givenName, familyName].compactMap { $0 }.filter { !$0.isEmpty }
    return parts.isEmpty ? nil : parts.joined(separator: " ")
  }

  /// The addresses with the preferred ones first, otherwise in card order.
  public var emailsPreferredFirst: [String] {
    (emails.filter(\.isPreferred) + emails.filter { !$0.isPreferred }).map(\.value)
  }

  /// The preferred phone number, else the first one.
  public var preferredPhone: String? {
    (phones.first(where: \.isPreferred) ?? phones.first)?.value
  }
}
