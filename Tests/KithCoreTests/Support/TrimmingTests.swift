import Foundation
import Testing

@testable import KithCore

@Suite struct TrimmingTests {
  /// Samples of ASCII, Unicode space separators, line separators and characters that look blank.
  static let samples: [String] = [
    "", " ", "\t\r\n", "plain", "  <id@host>  ", "\r\n<id@host>\r\n", "\u{00A0}nbsp\u{3000}",
    "\u{2028}line\u{2029}", "\u{85}next\u{0B}\u{0C}", "in side", " \u{200B}zero width\u{200B} ",
    "é\u{301} ", " 日本語\t", "\u{1F600} ", "\u{2003}em\u{202F}", "\n", "a\n", "\tb",
  ]

  @Test(arguments: samples)
  func newlineVariantMatchesFoundation(_ text: String) {
    #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    let slice = text[...]
    #expect(slice.trimmingWhitespaceAndNewlines() == slice.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  @Test(arguments: samples)
  func spaceVariantMatchesFoundation(_ text: String) {
    #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
  }

  @Test func matchesFoundationOnEveryBMPCharacter() {
    var differing: [String] = []
    for value in UInt32(0)...0xFFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let text = "\(Character(scalar))x\(Character(scalar))"
      if text.trimmingWhitespaceAndNewlines() != text.trimmingCharacters(in: .whitespacesAndNewlines)
        || text.trimmingWhitespace() != text.trimmingCharacters(in: .whitespaces)
      {
        differing.append(String(value, radix: 16))
      }
    }
    #expect(differing == [])
  }

  @Test func keepsLineBreaksWhenOnlyTrimmingSpaces() {
    #expect(" \nx\n ".trimmingWhitespace() == "\nx\n")
  }
}
