/// Normalization of Message-ID values so that header spellings compare equal.
public enum MessageIDs {
  /// Returns the first message id in `value` without angle brackets, or nil when there is none.
  ///
  /// Accepts `<id>`, a bare `id`, and In-Reply-To values with trailing text such as
  /// `<id> (Ann's message of Monday)`. Comparison stays case-sensitive, because RFC 5322
  /// does not fold the case of the left part of a message id.
  public static func normalize(_ value: String?) -> String? {
    guard let value else { return nil }
    // The delimiters are ASCII, so the UTF-8 view finds them without the grapheme breaking
    // that Character comparisons cost on every byte.
    let trimmed = value.trimmingWhitespaceAndNewlines()
    let bytes = trimmed.utf8

    if let open = bytes.firstIndex(of: UInt8(ascii: "<")) {
      let start = bytes.index(after: open)
      let end = bytes[start...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.endIndex
      return nonEmpty(trimmed[start..<end].trimmingWhitespace())
    }
    let end = bytes.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } ?? bytes.endIndex
    return nonEmpty(String(trimmed[..<end]))
  }

  /// Returns the first message id of an In-Reply-To value; the same as `normalize`.
  public static func firstID(in value: String?) -> String? {
    normalize(value)
  }

  /// Returns the ids a message names as its ancestors, oldest first: References, then
  /// In-Reply-To when it differs from the last reference. Ids equal to `own` are dropped.
  public static func ancestors(references: [String], inReplyTo: String?, own: String?)
    -> [String]
  {
    var result = references.compactMap { normalize($0) }
    if let parent = normalize(inReplyTo), result.last != parent {
      result.append(parent)
    }
    return result.filter { $0 != own }
  }

  private static func nonEmpty(_ text: String) -> String? {
    text.isEmpty ? nil : text
  }
}
