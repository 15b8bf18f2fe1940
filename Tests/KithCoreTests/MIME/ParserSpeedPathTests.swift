import Foundation
import Testing

@testable import KithCore

/// The byte-level fast paths of the parser, checked against the slower Foundation and
/// Character-based code that they replace.
@Suite struct ParserSpeedPathTests {
  static let lineEndCases: [String] = [
    "", "a", "a\r\nb", "a\r\r\nb", "a\rb", "a\r", "\r\n", "\r\n\r\n", "\n\r", "é\r\nü\r\n",
    "line one\r\nline two\r\n\r\nend", "\r\r\r\n\n",
  ]

  @Test(arguments: lineEndCases)
  func crlfToLFMatchesFoundation(_ text: String) {
    #expect(LineEnds.crlfToLF(text) == text.replacingOccurrences(of: "\r\n", with: "\n"))
  }

  @Test func crlfToLFRepairsInvalidUTF8() {
    let bytes: [UInt8] = [0x61, 0xE2, 0x82, 0x0D, 0x0A, 0xFF, 0x62]
    let text = bytes.withUnsafeBytes { LineEnds.crlfToLF($0) }
    #expect(text == "a\u{FFFD}\n\u{FFFD}b")
  }

  static let flowedCases: [String] = [
    "",
    "one line",
    "soft \nhard",
    "soft \nsoft \nhard\nnext",
    "> quoted soft \n> quoted hard\nplain",
    ">> deep soft \n> shallow\n>>> deeper \n>>> end",
    " stuffed line \n stuffed end",
    "-- \nsignature",
    "> -- \n> sig",
    "ends soft ",
    "trailing\n",
    ">\u{301} combining after marker \nnext",
    "x \u{301}\nnext",
    " \u{301}stuffing with mark",
    "cr lf inside \r\nsame line \nend",
    "emoji 🙂 \nnext 🙂",
    "\n\n \n",
    "\u{600} \nprepended mark",
  ]

  @Test(arguments: flowedCases)
  func flowedUnwrapMatchesCharacterVersion(_ text: String) {
    for deletesSpace in [false, true] {
      #expect(
        FlowedText.unwrap(text, deletesSpace: deletesSpace)
          == Self.characterUnwrap(text, deletesSpace: deletesSpace),
        "deletesSpace \(deletesSpace)")
    }
  }

  @Test func flowedUnwrapJoinsQuotedLines() {
    let text = "> first \n> second\n>> deep \n>> end\n-- \nsig"
    #expect(FlowedText.unwrap(text, deletesSpace: false) == "> first second\n>> deep end\n-- \nsig")
    #expect(FlowedText.unwrap(text, deletesSpace: true) == "> firstsecond\n>> deepend\n-- \nsig")
  }

  /// The Character-based unwrap that the byte version replaced, kept as the reference.
  static func characterUnwrap(_ text: String, deletesSpace: Bool) -> String {
    var output: [String] = []
    var paragraph: String? = nil
    var paragraphDepth = 0
    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = Substring(rawLine)
      var depth = 0
      while line.first == ">" {
        depth += 1
        line = line.dropFirst()
      }
      if line.first == " " { line = line.dropFirst() }
      let quote = depth > 0 ? String(repeating: ">", count: depth) + " " : ""
      if let open = paragraph, depth != paragraphDepth {
        output.append(open)
        paragraph = nil
      }
      let isSoft = line.hasSuffix(" ") && line != "-- "
      var content = String(line)
      if isSoft && deletesSpace { content.removeLast() }
      let joined = (paragraph ?? quote) + content
      if isSoft {
        paragraph = joined
        paragraphDepth = depth
      } else {
        output.append(joined)
        paragraph = nil
      }
    }
    if let open = paragraph { output.append(open) }
    return output.joined(separator: "\n")
  }

  @Test func decodeFindsEscapeAfterFirstWord() {
    // "ESC $ B 0x46 0x7C ESC ( B" is 日 in ISO-2022-JP. The ASCII prefix puts the escape
    // past the first eight bytes, where the word-wise ASCII check reads it.
    let bytes = Array("ASCII prefix: ".utf8) + [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x1B, 0x28, 0x42]
    #expect(CharsetDecoder.decode(Data(bytes), charset: "ISO-2022-JP").text == "ASCII prefix: 日")
  }

  @Test func decodeFindsNulInUTF16() {
    let bytes = Array("Hello, world!".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    #expect(CharsetDecoder.decode(Data(bytes), charset: "UTF-16BE").text == "Hello, world!")
  }

  @Test func decodeFindsHighByteInTail() {
    // 17 bytes: two whole words, then the byte 0xE9 (é in windows-1252) in the tail.
    let bytes = Array("sixteen bytes ok".utf8) + [0xE9]
    let result = CharsetDecoder.decode(Data(bytes), charset: "iso-8859-1")
    #expect(result.text == "sixteen bytes oké")
    #expect(result.note == nil)
  }

  @Test func decodeKeepsLongASCIIAsIs() {
    let text = String(repeating: "plain\ttext\r\n", count: 50)
    let result = CharsetDecoder.decode(Data(text.utf8), charset: "us-ascii")
    #expect(result.text == text)
    #expect(result.note == nil)
  }

  @Test func headerEndsAtSpaceOnlyLine() {
    for lineEnd in ["\n", "\r\n"] {
      let header = (1...12).map { "X-Field-\($0): value" } + ["Subject: spaced", "  \t"]
      let raw = Data((header + ["Body text line", "more"]).joined(separator: lineEnd).utf8)
      let repaired = RawMessageRepair.endingHeadersAtBlankLine(raw)
      let expected = (header.dropLast() + ["", "Body text line", "more"]).joined(separator: lineEnd)
      #expect(String(decoding: repaired, as: UTF8.self) == expected, "line end \(lineEnd.debugDescription)")
    }
  }

  @Test func headerSpaceOnlyLineBeforeFieldStays() {
    let raw = Data("Subject: a\n \nTo: b@example.com\n\nbody".utf8)
    #expect(RawMessageRepair.endingHeadersAtBlankLine(raw) == raw)
  }

  @Test func headerRepairWorksOnDataSlices() {
    let whole = Data("junk\nSubject: a\n \nbody".utf8)
    let slice = whole[5...]
    let repaired = RawMessageRepair.endingHeadersAtBlankLine(slice)
    #expect(String(decoding: repaired, as: UTF8.self) == "Subject: a\n\nbody")
  }

  @Test func messageIDsKeepTheirRules() {
    let raw = [
      "Message-ID:  < spaced id@example.com > ",
      "In-Reply-To: \t ",
      "REFERENCES: <one@example.com>",
      "references: <two@example.com>",
      "Subject: ids",
      "",
      "body",
    ].joined(separator: "\r\n")
    let message = MessageParser.parse(Data(raw.utf8))
    #expect(message.messageID == "spacedid@example.com")
    #expect(message.inReplyTo == nil)
    #expect(message.references == ["one@example.com", "two@example.com"])
  }

  @Test func nonASCIIMessageIDUsesCharacters() {
    let raw = "Message-ID: <caf\u{E9} x@example.com>\r\nSubject: id\r\n\r\nbody"
    #expect(MessageParser.parse(Data(raw.utf8)).messageID == "caf\u{E9}x@example.com")
  }

  static let unchangedDates: [String] = [
    "Tue, 4 Dec 2026 10:22:33 +0000",
    "Tue, 4 Dec 2026 10:22:33 -0500 (EST)",
    "4 Dec 2026 10:22 GMT",
    "Mon, 1 Apr 2019 09:00:00 +0200\n",
  ]

  @Test(arguments: unchangedDates)
  func dateRepairKeepsCommonForms(_ value: String) {
    #expect(DateHeaderRepair.repair(value) == value)
  }

  @Test func dateRepairStillRewritesOddForms() {
    #expect(DateHeaderRepair.repair("Tue, 4 Dec 2026 00:01+0000") == "Tue, 4 Dec 2026 00:01 +0000")
    #expect(DateHeaderRepair.repair("Tue, 4 Dec 2026 10:22:33 -600") == "Tue, 4 Dec 2026 10:22:33 -0600")
    #expect(DateHeaderRepair.repair("Tue, 4 Dec 2026 06:09:22 PM EDT") == "Tue, 4 Dec 2026 18:09:22 EDT")
    // CR LF is one Character and no separator for the token rules, so it stays in place.
    #expect(DateHeaderRepair.repair("Tue,\r\n 4 Dec 2026 06:09:22 pm EDT") == "Tue,\r\n 4 Dec 2026 18:09:22 EDT")
  }

  @Test func subjectSpacingIsNormalized() {
    let cases: [(raw: String, expected: String)] = [
      ("Quarterly report", "Quarterly report"),
      ("  padded\t subject  ", "padded subject"),
      ("two  spaces", "two spaces"),
      ("caf\u{E9} \u{1F642}", "caf\u{E9} \u{1F642}"),
    ]
    for (raw, expected) in cases {
      let message = MessageParser.parse(Data("Subject: \(raw)\r\n\r\nbody".utf8))
      #expect(message.subject == expected, "subject \(raw.debugDescription)")
    }
  }

  @Test func htmlWordsSkipInvisibleCharacters() {
    let html = "<p>one\u{200B}two\u{A0}\u{A0}three \u{AD}four\u{FEFF}</p><p>\u{200D}five</p>"
    #expect(HTMLText.text(fromHTML: html) == "onetwo three four\n\nfive")
  }
}
