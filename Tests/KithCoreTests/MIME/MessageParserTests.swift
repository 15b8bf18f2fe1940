import Foundation
import Testing

@testable import KithCore

/// Parser behaviour on small hand-written messages, one rule per test.
@Suite struct MessageParserTests {
  private func parse(_ lines: [String]) -> ParsedMessage {
    MessageParser.parse(Data(lines.joined(separator: "\r\n").utf8))
  }

  private func parse(bytes: [UInt8]) -> ParsedMessage {
    MessageParser.parse(Data(bytes))
  }

  @Test func rawLatin1SubjectFallsBackToWindows1252() {
    let message = parse(bytes: Array("Subject: caf".utf8) + [0xE9, 0x20, 0x80] + Array("\r\n\r\nbody".utf8))
    #expect(message.subject == "café €")
  }

  @Test func iso88591LabelReadsWindows1252Quotes() {
    let header = Array("Content-Type: text/plain; charset=iso-8859-1\r\n\r\n".utf8)
    let message = parse(bytes: header + [0x93, 0x68, 0x69, 0x94])
    #expect(message.bodyText == "\u{201C}hi\u{201D}")
    #expect(message.notes.isEmpty)
  }

  @Test func missingCharsetWithUTF8Bytes() {
    let message = parse(bytes: Array("Subject: x\r\n\r\nK\u{F6}ln".utf8))
    #expect(message.bodyText == "Köln")
  }

  @Test func invalidUTF8IsReplacedAndNoted() {
    let header = Array("Content-Type: text/plain; charset=utf-8\r\n\r\n".utf8)
    let message = parse(bytes: header + [0x61, 0xFF, 0x62])
    #expect(message.bodyText == "a\u{FFFD}b")
    #expect(message.notes.count == 1)
  }

  @Test func unknownCharsetIsNoted() {
    let header = Array("Content-Type: text/plain; charset=fakescii\r\n\r\n".utf8)
    let message = parse(bytes: header + [0x61, 0xE9])
    #expect(message.bodyText == "aé")
    #expect(message.notes == ["Unknown charset \"fakescii\"; the text was read as windows-1252."])
  }

  @Test func flowedTextIsUnwrapped() {
    let message = parse([
      "Content-Type: text/plain; format=flowed", "",
      "This line is ", "soft-wrapped.", "> quoted ", "> too", "-- ", "sig",
    ])
    #expect(message.bodyText == "This line is soft-wrapped.\n> quoted too\n-- \nsig")
  }

  @Test func emptyPlainAlternativeYieldsToHTML() {
    let message = parse([
      "Content-Type: multipart/alternative; boundary=b", "",
      "--b", "Content-Type: text/plain", "", "  ",
      "--b", "Content-Type: text/html", "", "<p>From <b>HTML</b></p>",
      "--b--",
    ])
    #expect(message.bodyText == "From HTML")
  }

  @Test func plainAlternativeWinsOverHTML() {
    let message = parse([
      "Content-Type: multipart/alternative; boundary=b", "",
      "--b", "Content-Type: text/html", "", "<p>html</p>",
      "--b", "Content-Type: text/plain", "", "plain",
      "--b--",
    ])
    #expect(message.bodyText == "plain")
  }

  @Test func inlineTextPartsAreJoined() {
    let message = parse([
      "Content-Type: multipart/mixed; boundary=b", "",
      "--b", "Content-Type: text/plain", "", "first",
      "--b", "Content-Type: image/png; name=a.png", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=",
      "--b", "Content-Type: text/plain", "", "second",
      "--b--",
    ])
    #expect(message.bodyText == "first\n\nsecond")
    #expect(message.attachments == [AttachmentInfo(filename: "a.png", mimeType: "image/png", size: 8)])
  }

  @Test func textAttachmentIsNotBody() {
    let message = parse([
      "Content-Type: multipart/mixed; boundary=b", "",
      "--b", "Content-Type: text/plain", "", "body",
      "--b", "Content-Type: text/plain", "Content-Disposition: attachment; filename=notes.txt", "", "hidden",
      "--b--",
    ])
    #expect(message.bodyText == "body")
    #expect(message.attachments.map(\.filename) == ["notes.txt"])
  }

  @Test func enrichedTextIsRenderedPlain() {
    let message = parse(["Content-Type: text/enriched", "", "<bold>Bold</bold> and <italic>slanted</italic>"])
    #expect(message.bodyText == "Bold and slanted")
  }

  @Test func calendarPartIsSummarized() {
    let message = parse([
      "Content-Type: text/calendar; method=REQUEST", "",
      "BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT",
      "SUMMARY:Budget review\\, Q3", "DTSTART;TZID=Europe/Berlin:20240102T150000",
      "DTEND:20240102T160000Z", "LOCATION:Room 4",
      "ORGANIZER;CN=\"Ann Lee\":mailto:ann@example.com", "END:VEVENT", "END:VCALENDAR",
    ])
    #expect(message.bodyText == """
      Calendar invitation (REQUEST)
      Summary: Budget review, Q3
      Start: 2024-01-02 15:00 (Europe/Berlin)
      End: 2024-01-02 16:00 UTC
      Location: Room 4
      Organizer: Ann Lee <ann@example.com>
      """)
  }

  @Test func attachedMessageIsMarked() {
    let message = parse([
      "Content-Type: multipart/mixed; boundary=b", "",
      "--b", "Content-Type: text/plain", "", "See below.",
      "--b", "Content-Type: message/rfc822", "",
      "From: Bo <bo@example.com>", "Subject: Inner", "", "Inner text",
      "--b--",
    ])
    #expect(message.bodyText == """
      See below.

      ---------- Attached message ----------
      From: Bo <bo@example.com>
      Subject: Inner

      Inner text
      """)
  }

  @Test func messageIDsLoseAngleBrackets() {
    let message = parse([
      "Message-ID: <a@b>", "In-Reply-To: <c@d> (comment)", "References: <e@f>\r\n <c@d>", "", "x",
    ])
    #expect(message.messageID == "a@b")
    #expect(message.inReplyTo == "c@d")
    #expect(message.references == ["e@f", "c@d"])
  }

  @Test func emptyDataIsNoted() {
    let message = MessageParser.parse(Data())
    #expect(message.bodyText.isEmpty)
    #expect(message.notes == ["The message is empty."])
  }

  @Test func parsingIsThreadSafe() async {
    let raw = Data("Subject: =?UTF-8?Q?caf=C3=A9?=\r\nContent-Type: text/html\r\n\r\n<p>x &amp; y</p>".utf8)
    let results = await withTaskGroup(of: ParsedMessage.self) { group in
      for _ in 0..<64 { group.addTask { MessageParser.parse(raw) } }
      var collected: [ParsedMessage] = []
      for await result in group { collected.append(result) }
      return collected
    }
    #expect(results.count == 64)
    #expect(results.allSatisfy { $0.subject == "café" })
    #expect(results.allSatisfy { $0.bodyText == "x & y" })
  }
}

@Suite struct MessageRendererTests {
  @Test func renderShowsHeadersBodyAndAttachments() {
    let message = ParsedMessage(
      subject: "Hello", from: [Address(name: "Ann", email: "ann@example.com")],
      to: [Address(name: nil, email: "bo@example.com")], cc: [],
      date: Date(timeIntervalSince1970: 0), bodyText: "Body",
      attachments: [AttachmentInfo(filename: "a.pdf", mimeType: "application/pdf", size: 2048)])
    let text = MessageRenderer.render(message, timeZone: TimeZone(identifier: "UTC")!)
    #expect(text == """
      From: Ann <ann@example.com>
      To: bo@example.com
      Date: Thu, 1 Jan 1970 00:00:00 +0000
      Subject: Hello

      Body

      Attachments:
        a.pdf (application/pdf, 2.0 KB)

      """)
  }

  @Test func renderMarksMissingValues() {
    let text = MessageRenderer.render(ParsedMessage(), timeZone: TimeZone(identifier: "UTC")!)
    #expect(text == "From: (none)\nTo: (none)\nDate: (no date)\nSubject: (no subject)\n\n(no text)\n")
  }

  @Test func sizesUseBinaryUnits() {
    #expect(MessageRenderer.formatSize(512) == "512 B")
    #expect(MessageRenderer.formatSize(1536) == "1.5 KB")
    #expect(MessageRenderer.formatSize(3 * 1024 * 1024) == "3.0 MB")
  }
}
