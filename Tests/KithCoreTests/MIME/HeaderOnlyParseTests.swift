import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// `MessageParser.parseHeaders` must give the header fields that a full parse gives, because
/// sync stores only its result and the message pane parses the body later.
@Suite struct HeaderOnlyParseTests {
  /// Returns the fields both parses fill, one per line, so that a mismatch names the field.
  static func headerFields(_ message: ParsedMessage) -> [String] {
    func list(_ addresses: [Address]) -> String {
      addresses.map { "\($0.name ?? "-") <\($0.email)>" }.joined(separator: ", ")
    }
    return [
      "id=\(message.messageID ?? "-")", "reply=\(message.inReplyTo ?? "-")",
      "refs=\(message.references.joined(separator: " "))", "subject=\(message.subject ?? "-")",
      "from=\(list(message.from))", "to=\(list(message.to))", "cc=\(list(message.cc))",
      "reply-to=\(list(message.replyTo))",
      "date=\(message.date.map { String($0.timeIntervalSince1970) } ?? "-")",
    ]
  }

  @Test func corpusHeadersMatchFullParse() throws {
    let names = try Fixtures.corpusFileNames()
    #expect(names.count >= 200)
    for name in names {
      let raw = try Fixtures.corpusMessage(name)
      for (form, data) in [("as stored", raw), ("CR LF", Fixtures.withCRLF(raw))] {
        let full = MessageParser.parse(data)
        let headers = MessageParser.parseHeaders(data)
        #expect(Self.headerFields(headers) == Self.headerFields(full), "\(name), \(form)")
        #expect(headers.bodyText.isEmpty, "\(name), \(form)")
        #expect(headers.attachments.isEmpty, "\(name), \(form)")
      }
    }
  }

  /// Old Mac mail programs ended lines with CR alone. Both parses read such a copy of each
  /// corpus message like its CR LF form.
  @Test func crOnlyLineEndsMatchCRLF() throws {
    for name in try Fixtures.corpusFileNames() {
      let crlf = Fixtures.withCRLF(try Fixtures.corpusMessage(name))
      let crOnly = Data(crlf.filter { $0 != 0x0A })
      let expected = MessageParser.parse(crlf)
      let full = MessageParser.parse(crOnly)
      #expect(Self.headerFields(full) == Self.headerFields(expected), "\(name)")
      #expect(Self.headerFields(MessageParser.parseHeaders(crOnly)) == Self.headerFields(expected), "\(name)")
      #expect(full.bodyText == expected.bodyText, "\(name)")
    }
  }

  /// Framing faults that move where the header ends, each in LF and CR LF form.
  @Test(arguments: [
    ("leading blank lines", "\n\nFrom: a@x.org\nSubject: one\n\nbody\n"),
    ("mbox separator", "From a@x.org Mon Jan  1 00:00:00 2024\nFrom: a@x.org\nSubject: two\n\nbody\n"),
    ("space-only header end", "From: a@x.org\nSubject: three\n  \nThis line has no colon\n\nmore\n"),
    ("no empty line", "From: a@x.org\nSubject: four\nTo: b@y.org"),
    ("header only", "From: a@x.org\nSubject: five\n"),
    ("body without header", "just some words\nand more words\n"),
    ("empty line then header-like body", "Subject: six\n\nFrom: c@z.org\nSubject: not this\n"),
    ("folded field", "Subject: seven\n and eight\nFrom: \"A\"\n <a@x.org>\n\nbody\n"),
    ("blank line in folded field", "Subject: nine\n\n and not this\nFrom: a@x.org\n"),
    ("only line feeds", "\n\n\n"),
    (
      "repeated fields",
      "From: a@x.org\nTo: b@y.org\nFrom: c@z.org\nSubject: one\nSubject: two\n"
        + "Date: Mon, 1 Jan 2024 10:00:00 +0000\nDate: Tue, 2 Jan 2024 10:00:00 +0000\n"
        + "Message-Id: <1@x>\nMessage-ID: <2@x>\nCc: d@x.org\nCc: e@x.org\n\nbody\n"
    ),
    ("repeated Date, last unreadable", "Date: Mon, 1 Jan 2024 10:00:00 +0000\nDate: not a date\nSubject: d\n\nx\n"),
    (
      "multipart type",
      "Subject: m\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n--b--\n"
    ),
    ("attached message type", "Subject: r\nContent-Type: message/rfc822\n\nSubject: inner\n\ntext\n"),
    ("encoded words", "Subject: =?UTF-8?B?w6TDtsO8?= =?UTF-8?Q?_und_mehr?=\nFrom: =?ISO-8859-1?Q?J=F6rg?= <j@x.org>\n\nx\n"),
    ("group address", "To: team: a@x.org, b@y.org;\nFrom: c@z.org\n\nx\n"),
  ])
  func framingFaultsMatchFullParse(name: String, text: String) {
    for data in [Data(text.utf8), Fixtures.withCRLF(Data(text.utf8))] {
      let full = MessageParser.parse(data)
      let headers = MessageParser.parseHeaders(data)
      #expect(Self.headerFields(headers) == Self.headerFields(full), "\(name)")
      #expect(headers.bodyText.isEmpty, "\(name)")
    }
  }

  /// Blank lines or an mbox "From " line before the header make GMime read an empty header;
  /// the parser then reads the header after them.
  @Test(arguments: [
    "\n\nFrom: Ann <ann@x.org>\nSubject: after blank lines\n\nbody\n",
    "From ann@x.org Mon Jan  1 00:00:00 2024\n\nFrom: Ann <ann@x.org>\nSubject: after an mbox line\n\nbody\n",
    "\r\n \r\nFrom: Ann <ann@x.org>\r\nSubject: after a space-only line\r\n\r\nbody\r\n",
  ])
  func headerAfterLeadingJunkIsRead(text: String) {
    for message in [MessageParser.parse(Data(text.utf8)), MessageParser.parseHeaders(Data(text.utf8))] {
      #expect(message.subject?.hasPrefix("after ") == true, "\(text.debugDescription)")
      #expect(message.from == [Address(name: "Ann", email: "ann@x.org")])
    }
    #expect(MessageParser.parse(Data(text.utf8)).bodyText == "body")
  }

  @Test func headersBeforeALongBodyAreRead() {
    let body = String(repeating: "Subject: not a header, the body\n", count: 20_000)
    let raw = Data("Subject: kept\nFrom: Ann <ann@x.org>\n\n\(body)".utf8)
    let headers = MessageParser.parseHeaders(raw)
    #expect(headers.subject == "kept")
    #expect(headers.from == [Address(name: "Ann", email: "ann@x.org")])
  }
}
