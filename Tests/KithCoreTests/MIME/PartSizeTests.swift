import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Each listed attachment size is compared with the length of the attachment's decoded
/// data, for the corpus and for well-formed and malformed base64.
@Suite struct PartSizeTests {
  static let fileNames: [String] = (try? Fixtures.corpusFileNames()) ?? []

  /// Returns, for each attachment of `raw`, the listed size and the decoded data's length.
  private static func sizes(of raw: Data) -> [(listed: Int, decoded: Int?)] {
    MessageParser.parse(raw).attachments.enumerated().map { index, attachment in
      (attachment.size, MessageParser.attachmentData(raw, at: index)?.count)
    }
  }

  private static func message(base64 body: String) -> Data {
    Data(
      """
      From: ann@example.com\r
      Subject: sizes\r
      MIME-Version: 1.0\r
      Content-Type: application/octet-stream; name="data.bin"\r
      Content-Disposition: attachment; filename="data.bin"\r
      Content-Transfer-Encoding: base64\r
      \r
      \(body)
      """.utf8)
  }

  @Test(arguments: fileNames)
  func corpusSizesMatchDecodedData(_ name: String) throws {
    let raw = try Fixtures.corpusMessage(name)
    for (index, size) in Self.sizes(of: raw).enumerated() {
      #expect(size.listed == size.decoded, "attachment \(index) of \(name)")
    }
  }

  /// Well-formed and malformed base64: padding, none, stray characters, padding in the middle,
  /// a lone trailing character, spaces and CRLF line breaks.
  static let bodies: [String] = [
    "", "QQ==", "QUI=", "QUJD", "QUJDRA==\r\nRUY=", "QQ", "QUI", "Q", "QUJD\r\n\r\n",
    "QU JD\tRA==", "QUJD*RA==", "QQ==QUJD", "QUJD=", "QUJD===", "4pyTIMOgIGxhIG1vZGU=",
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", count: 3),
    // Over 64 KiB, so counted in several chunks: LF and CRLF lines, a short padded last
    // line, trailing blank lines, lines of two lengths, and a last line without padding.
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\r\n", count: 2000),
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\n", count: 2000) + "QUI=\n",
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\r\n", count: 2000) + "QUJDRA==\r\n\r\n",
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\nQUJD\n", count: 2000),
    String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph\n", count: 2000) + "QUJDRA",
  ]

  @Test(arguments: bodies)
  func base64SizesMatchDecodedData(_ body: String) throws {
    let sizes = Self.sizes(of: Self.message(base64: body))
    #expect(sizes.count == 1)
    #expect(sizes.first?.listed == sizes.first?.decoded)
  }

  /// Large content whose first and last lines look regular but whose middle is not: `=` in
  /// the middle (the decoder stops there), blank and space-only lines, a short first line
  /// and stray bytes. A size taken from the length and the outer lines was wrong for most.
  static let irregularMiddles: [String] = {
    let lines = Array(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVph", count: 2000)
    let head = lines[..<1000]
    let tail = lines[1000...]
    return [
      (head + ["QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVp="] + tail.dropFirst()).joined(separator: "\n"),
      (head + Array(repeating: "", count: 37) + tail).joined(separator: "\n"),
      (head + [String(repeating: " ", count: 36)] + tail).joined(separator: "\n"),
      (["QUJD"] + lines + ["QUJD"]).joined(separator: "\n"),
      (head + ["QUJD!!!"] + tail).joined(separator: "\n"),
    ]
  }()

  @Test(arguments: irregularMiddles)
  func irregularLargeContentHasDecodedSize(_ body: String) throws {
    let size = try #require(Self.sizes(of: Self.message(base64: body)).first)
    #expect(size.listed == size.decoded)
  }

  @Test func wellFormedBase64HasExactSize() throws {
    #expect(Self.sizes(of: Self.message(base64: "QUJDRA==")).first?.listed == 4)
    #expect(Self.sizes(of: Self.message(base64: "QUJDREVG\r\nR0g=")).first?.listed == 8)
  }
}
