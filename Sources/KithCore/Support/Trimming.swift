/// Whitespace trimming without Foundation's `trimmingCharacters(in:)`.
///
/// On Linux, `trimmingCharacters(in:)` converts the string to an `NSString` and back, which
/// took about a third of the storing thread's time in a first sync (profiled on 10,000
/// messages, where every Message-ID and reference is trimmed). These functions remove the
/// same characters as `CharacterSet.whitespaces` and `.whitespacesAndNewlines` do on Linux:
/// the space separators (Unicode category Zs), tab and U+200B, plus U+000A to U+000D, U+0085,
/// U+2028 and U+2029 for the newline variant. A test compares them on every BMP character.
extension String {
  /// Returns the string without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespaceAndNewlines() -> String {
    Whitespace.trim(self[...], where: Whitespace.isWhitespaceOrNewline)
  }

  /// Returns the string without leading and trailing spaces and tabs. Line breaks stay.
  public func trimmingWhitespace() -> String {
    Whitespace.trim(self[...], where: Whitespace.isWhitespace)
  }
}

extension Substring {
  /// Returns the text without leading and trailing spaces, tabs and line breaks.
  public func trimmingWhitespaceAndNewlines() -> String {
    Whitespace.trim(self, where: Whitespace.isWhitespaceOrNewline)
  }

  /// Returns the text without leading and trailing spaces and tabs. Line breaks stay.
  public func trimmingWhitespace() -> String {
    Whitespace.trim(self, where: Whitespace.isWhitespace)
  }
}

enum Whitespace {
  static func trim(_ text: Substring, where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isTrimmed($0) }),
      let last = scalars.lastIndex(where: { !isTrimmed($0) })
    else { return "" }
    return String(scalars[first...last])
  }

  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09, 0x200B: return true
    case 0..<0x80: return false
    default: return scalar.properties.generalCategory == .spaceSeparator
    }
  }

  static func isWhitespaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
    default: return isWhitespace(scalar)
    }
  }
}
