import Foundation
import KithTestSupport
import Testing

@testable import KithCore

/// Expected values for corpus messages, read from the files themselves, one test per kind
/// of content or fault.
@Suite struct CorpusExpectationTests {
  /// Parses the corpus file whose name starts with `number` and a hyphen.
  func parse(_ number: String) throws -> ParsedMessage {
    let name = try #require(try Fixtures.corpusFileNames().first { $0.hasPrefix(number + "-") })
    return MessageParser.parse(try Fixtures.corpusMessage(name))
  }

  func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = DateComponents(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    return calendar.date(from: components)!
  }

  // MARK: Headers and addresses

  @Test("simple RFC 2822 message") func simpleMessage() throws {
    let message = try parse("001")
    #expect(message.from == [Address(name: "John Doe", email: "jdoe@machine.example")])
    #expect(message.to == [Address(name: "Mary Smith", email: "mary@example.net")])
    #expect(message.subject == "Saying Hello")
    #expect(message.messageID == "1234@local.machine.example")
    #expect(message.date == utc(1997, 11, 21, 15, 55, 6))
    #expect(message.bodyText == "This is a message just to say hello.\nSo, \"Hello\".")
  }

  @Test("quoted display name with escaped quotes") func quotedDisplayNames() throws {
    let message = try parse("002")
    #expect(message.from == [Address(name: "Joe Q. Public", email: "john.q.public@example.com")])
    #expect(message.to.map(\.email) == ["mary@x.test", "jdoe@example.org", "one@y.test"])
    #expect(message.to.last?.name == "Who?")
    #expect(message.cc == [
      Address(name: nil, email: "boss@nil.test"),
      Address(name: "Giant; \"Big\" Box", email: "sysservices@example.net"),
    ])
    #expect(message.subject == nil)
  }

  @Test("address group and empty group") func addressGroups() throws {
    let message = try parse("003")
    #expect(message.to == [
      Address(name: "Chris Jones", email: "c@a.test"),
      Address(name: nil, email: "joe@where.test"),
      Address(name: "John", email: "jdoe@one.test"),
    ])
    #expect(message.cc.isEmpty)
  }

  @Test("comments inside addresses") func addressComments() throws {
    let message = try parse("004")
    #expect(message.from.map(\.email) == ["pete@silly.test"])
    #expect(message.to.map(\.email) == ["c@public.example", "joe@example.org", "jdoe@one.test"])
    #expect(message.cc.isEmpty)
  }

  @Test("raw UTF-8 in headers") func rawUTF8Headers() throws {
    let message = try parse("008")
    #expect(message.from == [Address(name: "Jöhn Doe", email: "jdöe@mächine.example")])
    #expect(message.to == [Address(name: "Märy Smith", email: "märy@exämple.net")])
    #expect(message.subject == "Säying Hello")
    #expect(message.bodyText == "body")
  }

  @Test("raw ISO-8859-1 display name") func rawLatin1DisplayName() throws {
    let message = try parse("114")
    #expect(message.from == [Address(name: "Ingo Lütkebohle", email: "ingo@blank.pages.de")])
  }

  @Test("several From addresses") func severalFromAddresses() throws {
    let message = try parse("196")
    #expect(message.from.map(\.email) == ["tim@powerupdev.com", "concierge@powerupdev.com"])
  }

  @Test("To header with a leading comma") func leadingCommaInTo() throws {
    let message = try parse("197")
    #expect(message.to.map(\.email) == ["user-example@aol.com", "e-s-a-s-2200@app.ar.com"])
    #expect(message.subject == "")
  }

  @Test("undisclosed recipients group") func undisclosedRecipients() throws {
    let message = try parse("198")
    #expect(message.to.isEmpty)
    #expect(message.replyTo == [Address(name: nil, email: "western.uniontransfer1@hotmail.fr")])
  }

  @Test("at sign in unquoted display name") func atSignInDisplayName() throws {
    let message = try parse("199")
    #expect(message.to.count == 3)
    #expect(message.to[1] == Address(name: "Mikel@Lindsaar", email: "raasdnil@gmail.com"))
  }

  @Test("encoded display names with comma and quotes") func encodedDisplayNames() throws {
    let message = try parse("201")
    #expect(message.from == [Address(name: "Last\u{DF}lName, FirstName", email: "comma.name@example.com")])
    #expect(message.cc.last == Address(name: "John \"Johnny\" Doe", email: "john.doe@example.com"))
  }

  @Test("address used as display name") func addressAsDisplayName() throws {
    let message = try parse("202")
    #expect(message.from == [Address(name: "alice@example.com", email: "bob@example.com")])
    #expect(message.replyTo == [Address(name: "henry@example.com", email: "ivan@example.com")])
  }

  // MARK: Message IDs

  @Test("In-Reply-To and References") func replyHeaders() throws {
    let message = try parse("162")
    #expect(message.messageID == "473FFE27.20003@xxx.org")
    #expect(message.inReplyTo == "348F04F142D69C21-291E56D292BC@xxxx.net")
    #expect(message.references == ["473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net"])
  }

  @Test("empty In-Reply-To") func emptyInReplyTo() throws {
    let message = try parse("158")
    #expect(message.inReplyTo == nil)
    #expect(message.messageID == "F194F88AF3E341A6B2B135CC17912811@articondell")
  }

  @Test("repeated References with a malformed ID") func malformedReferences() throws {
    let message = try parse("159")
    #expect(message.references.prefix(2) == ["foo@bar.net", "baz@bar.net"])
  }

  @Test("Message-ID with several at signs") func messageIDWithSeveralAtSigns() throws {
    let message = try parse("200")
    #expect(message.messageID == "d3b8cf8e49f0448085@0c28713a1@f473e@37signals.com")
  }

  // MARK: Dates

  @Test("date with -0330 zone in 1969") func dateIn1969() throws {
    #expect(try parse("003").date == utc(1969, 2, 14, 3, 2, 54))
  }

  @Test("date folded with comments") func foldedDate() throws {
    #expect(try parse("004").date == utc(1969, 2, 14, 3, 2, 0))
  }

  @Test("two-digit year and GMT") func twoDigitYear() throws {
    #expect(try parse("005").date == utc(1997, 11, 21, 9, 55, 6))
  }

  @Test("named zone CST without seconds") func namedZone() throws {
    #expect(try parse("009").date == utc(1995, 12, 21, 1, 59, 0))
  }

  @Test("odd zone -0459") func oddZone() throws {
    #expect(try parse("088").date == utc(2001, 12, 4, 22, 10, 25))
  }

  @Test("year 3609") func farFutureYear() throws {
    #expect(try parse("126").date == utc(3609, 6, 30, 9, 33, 50))
  }

  @Test("zone UT") func zoneUT() throws {
    #expect(try parse("128").date == utc(2002, 1, 22, 14, 35, 28))
  }

  @Test("12-hour clock with PM") func twelveHourClock() throws {
    #expect(try parse("130").date == utc(2019, 5, 29, 22, 9, 22))
  }

  @Test("zone glued to time without seconds") func gluedZone() throws {
    #expect(try parse("131").date == utc(2001, 1, 1, 0, 1, 0))
  }

  @Test("three-digit zone -600") func threeDigitZone() throws {
    #expect(try parse("132").date == utc(1995, 8, 21, 19, 30, 57))
  }

  @Test("zone comment before the offset") func zoneComment() throws {
    #expect(try parse("133").date == utc(1995, 9, 20, 4, 19, 0))
  }

  @Test("unreadable dates are nil") func unreadableDates() throws {
    #expect(try parse("127").date == nil)
    #expect(try parse("134").date == nil)
  }

  // MARK: RFC 2047 encoded words

  @Test("ISO-2022-JP subject folded with blank lines") func iso2022Subject() throws {
    let message = try parse("006")
    #expect(message.subject == "Re: TEST テストテスト")
    #expect(message.inReplyTo == "rid_5582199198@msgid.example.com")
  }

  @Test("Q-encoded word followed by text") func qWordThenText() throws {
    #expect(try parse("068").subject == "MIME UTF8 Test ¢ More Text")
  }

  @Test("base64 words split across folds") func base64WordsAcrossFolds() throws {
    let message = try parse("070")
    #expect(message.subject?.hasPrefix("MySurvey.com: You have a survey waiting!") == true)
    #expect(message.from.first?.name == "MySurvey.com & Carol Adams")
  }

  @Test("encoded words between quotes") func encodedWordsBetweenQuotes() throws {
    #expect(try parse("071").subject == "Re: Test: \"漢字\" mid \"漢字\" tail")
  }

  @Test("encoded word after a list tag") func encodedWordAfterListTag() throws {
    #expect(try parse("073").subject == "[PRJ-OTH] asdf árvíztűrő tükörfúrógép")
  }

  @Test("adjacent words in two charsets") func adjacentWordsTwoCharsets() throws {
    #expect(try parse("074").subject == "If you can read this you understand the example.")
  }

  @Test("whole subject Q-encoded") func wholeSubjectQEncoded() throws {
    #expect(try parse("077").subject == "[PATCH 29/44] drivers/staging: Remove unnecessary semicolons")
  }

  @Test("EUC-KR Q-encoded subject") func eucKRSubject() throws {
    #expect(try parse("051").subject == "NOTE: 한국말로 하는 것")
  }

  @Test("ISO-8859-8-i subject") func hebrewSubject() throws {
    #expect(try parse("056").subject == "מענה 'אני לא נמצא': Invoice 02722027")
  }

  @Test("windows-1250 subject in two words") func windows1250Subject() throws {
    let subject = try parse("057").subject
    #expect(subject == "Automatyczna odpowiedź: Piotrze, test z 6 miesięcy nauki ciągle na Ciebie czeka")
  }

  // MARK: Body charsets

  @Test("ISO-2022-JP body") func iso2022Body() throws {
    #expect(try parse("048").bodyText == "すみません。")
    #expect(try parse("053").bodyText.contains("日本語が\n正常に\n送れているか\nテスト."))
  }

  @Test("Shift_JIS 8-bit body") func shiftJISBody() throws {
    #expect(try parse("049").bodyText.hasPrefix("あいうえお\n\nこのメールはテスト用のメールです。"))
  }

  @Test("ks_c_5601-1987 body") func koreanBody() throws {
    #expect(try parse("050").bodyText == "스티해")
  }

  @Test("x-mac-cyrillic body decodes without notes") func macCyrillicBody() throws {
    let message = try parse("055")
    #expect(message.bodyText.hasPrefix("ACADEMIC NEWSLETTER #11 | March 2019"))
    #expect(message.notes.isEmpty)
  }

  @Test("GB2312 label on UTF-8 text") func mislabelledUTF8() throws {
    let message = try parse("058")
    #expect(message.bodyText.hasPrefix("你好！我公司可代开各类增值税发票"))
    #expect(message.notes.count == 1)
  }

  @Test("ISO-8859-15 quoted-printable") func latin9QuotedPrintable() throws {
    let body = try parse("059").bodyText
    #expect(body.contains("8 Bit Sönderzäichen"))
    #expect(body.contains("Grüße,"))
  }

  @Test("windows-1252 declared with mixed line ends") func windows1252Body() throws {
    #expect(try parse("064").bodyText.contains("Enviado desde mi BlackBerry® de Vodafone"))
  }

  @Test("HTML meta charset without MIME charset") func htmlMetaCharset() throws {
    // The bytes C2 80 read as windows-1250, which the meta element declares.
    #expect(try parse("067").bodyText == "Unencoded Euro Sign: Â€")
  }

  @Test("Big5 text encoded twice") func doubleEncodedBig5() throws {
    let message = try parse("052")
    #expect(message.bodyText.contains("軟體帝國更新迅速"))
    #expect(!message.bodyText.contains("\u{FFFD}"))
  }

  // MARK: Structure

  @Test("format=flowed plain text with CRLF") func flowedPlainText() throws {
    let message = try parse("007")
    #expect(message.bodyText == "Plain email.\n\nHope it works well!\n\nMikel")
    #expect(message.subject == "Testing 123")
  }

  @Test("HTML before plain in alternative") func htmlBeforePlain() throws {
    #expect(try parse("017").bodyText == "This is the text body.")
  }

  @Test("text/richtext and message/rfc822 parts") func richtextAndAttachedMessage() throws {
    let body = try parse("023").bodyText
    #expect(body.contains("This is part 4 of the outer message as defined in RFC1341\n\nIsn't it cool?"))
    #expect(body.contains("---------- Attached message ----------\nSubject: Part 5 of the outer message is itself an RFC822 message!"))
    #expect(!body.contains("<bold>"))
  }

  @Test("MHTML related with image first") func mhtmlRelatedImageFirst() throws {
    let message = try parse("025")
    #expect(message.bodyText.contains("def"))
    #expect(message.attachments.map(\.mimeType) == ["image/png"])
  }

  @Test("embedded message text follows, marked") func embeddedMessage() throws {
    let body = try parse("163").bodyText
    #expect(body.hasPrefix("This is the message body."))
    #expect(body.contains("Subject: embedded message\n\nThis is the embedded message body."))
  }

  @Test("multipart without boundary shows its content") func multipartWithoutBoundary() throws {
    let message = try parse("094")
    #expect(message.bodyText == "I'm  multipart message without boundary")
    #expect(!message.notes.isEmpty)
  }

  @Test("header separator line with a space") func headerSeparatorWithSpace() throws {
    let message = try parse("115")
    #expect(message.subject == "test message 1")
    #expect(message.bodyText.hasPrefix("The header is not properly terminated;"))
  }

  @Test("leading blank line before the header") func leadingBlankLine() throws {
    let message = try parse("046")
    #expect(message.from.first?.email == "someone@somewhere.com")
    #expect(message.attachments.map(\.filename) == ["photo.JPG"])
  }

  @Test("data that is not a message") func notAMessage() throws {
    let message = try parse("118")
    #expect(message.bodyText == "// Not an RFC-822 Document")
    #expect(message.notes.count == 1)
  }

  @Test("encrypted message gets a note") func encryptedMessage() throws {
    let message = try parse("188")
    #expect(message.bodyText.isEmpty)
    #expect(message.notes.contains { $0.contains("encrypted") })
  }

  @Test("signed message lists the signature") func signedMessage() throws {
    let message = try parse("186")
    #expect(message.bodyText == "Section one\n\nSection two")
    #expect(message.attachments.map(\.filename) == ["signature.asc"])
  }

  @Test("split message part gets a note") func messagePartial() throws {
    let message = try parse("193")
    #expect(message.notes == ["This is part 1 of 2 of a split message (message/partial); Kith does not join the parts."])
  }

  // MARK: Attachments

  @Test("whole message is one image") func singlePartImage() throws {
    let message = try parse("032")
    #expect(message.bodyText.isEmpty)
    #expect(message.attachments == [AttachmentInfo(filename: "favicon.jpg", mimeType: "image/jpeg", size: 687)])
  }

  @Test("single text part with attachment disposition") func singlePartTextAttachment() throws {
    let message = try parse("033")
    #expect(message.bodyText.isEmpty)
    // "VGVzdDtUZXN0Cg==" decodes to "Test;Test\n", 10 bytes.
    #expect(message.attachments == [AttachmentInfo(filename: "test.csv", mimeType: "text/plain", size: 10)])
  }

  @Test("raw UTF-8 file name") func rawUTF8FileName() throws {
    #expect(try parse("034").attachments.map(\.filename) == ["管理.doc"])
  }

  @Test("unquoted file name with parentheses") func unquotedParenthesesFileName() throws {
    #expect(try parse("035").attachments.map(\.filename) == ["Invoice_(302232133150612).pdf"])
  }

  @Test("RFC 2047 inside a file name parameter") func encodedWordFileName() throws {
    let attachments = try parse("038").attachments
    #expect(attachments.map(\.filename) == ["This is a test.pdf"])
    #expect(attachments.map(\.mimeType) == ["application/pdf"])
  }

  @Test("RFC 2231 continuations in UTF-8") func rfc2231Continuations() throws {
    let attachments = try parse("040").attachments
    #expect(attachments.map(\.filename) == ["かきくけこかきくけこかきくけこかきくけこかきくけこ.txt"])
  }

  @Test("RFC 2231 UTF-8 umlauts") func rfc2231Umlauts() throws {
    #expect(try parse("041").attachments.map(\.filename) == ["attachment.äöü"])
  }

  @Test("ks_c_5601-1987 encoded file name") func koreanFileName() throws {
    let attachments = try parse("045").attachments
    #expect(attachments.map(\.filename) == ["사진.JPG", "ATT00001.txt"])
  }

  @Test("KOI8-R encoded file name") func koi8FileName() throws {
    #expect(try parse("060").attachments.map(\.filename) == ["Список.doc"])
  }

  @Test("line feed inside an encoded file name") func lineFeedInFileName() throws {
    // The B-encoded name decodes to "Kontoutskrift for 1506.14.90466\nBedriftskonto.pdf".
    let attachments = try parse("044").attachments
    #expect(attachments.map(\.filename) == ["Kontoutskrift for 1506.14.90466 Bedriftskonto.pdf"])
  }

  @Test("emoji in RFC 2231 file name") func emojiFileName() throws {
    let names = try parse("078").attachments.compactMap(\.filename)
    #expect(names.contains("nyan cat ✔.gif"))
  }

  // MARK: Attachment content

  @Test("attachment content of a single-part message") func singlePartAttachmentData() throws {
    let raw = try Fixtures.corpusMessage(try #require(Fixtures.corpusFileNames().first { $0.hasPrefix("033-") }))
    #expect(MessageParser.attachmentData(raw, at: 0) == Data("Test;Test\n".utf8))
    #expect(MessageParser.attachmentData(raw, at: 1) == nil)
  }

  @Test("attachment content of an image") func imageAttachmentData() throws {
    let raw = try Fixtures.corpusMessage(try #require(Fixtures.corpusFileNames().first { $0.hasPrefix("032-") }))
    let data = try #require(MessageParser.attachmentData(raw, at: 0))
    #expect(data.count == 687)
    // The part is labelled image/jpeg, but its base64 ("iVBORw0KGgo") is a PNG file.
    #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
  }

  @Test("attached message content is the message") func attachedMessageData() throws {
    let raw = try Fixtures.corpusMessage(try #require(Fixtures.corpusFileNames().first { $0.hasPrefix("178-") }))
    let message = MessageParser.parse(raw)
    let index = try #require(message.attachments.firstIndex { $0.mimeType == "message/rfc822" })
    let data = try #require(MessageParser.attachmentData(raw, at: index))
    #expect(MessageParser.parse(data).subject == "Test 5")
  }

  // MARK: Calendar

  @Test("calendar invitation summary") func calendarInvitation() throws {
    let body = try parse("171").bodyText
    #expect(body.contains("Calendar invitation (REQUEST)"))
    #expect(body.contains("Location: Meeting Room"))
    #expect(body.contains("Organizer: Finntack Newsletter <newsletter@finntack.com>"))
    #expect(body.contains("Start: 2014-03-28 11:03 (FLE Standard Time)"))
  }
}
