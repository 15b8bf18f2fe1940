import Foundation
import Testing

@testable import KithCore

@Suite struct EncodedWordTests {
  @Test func qEncodingUsesUnderscoreForSpace() {
    #expect(HeaderDecoding.decodeText("=?ISO-8859-1?Q?Caf=E9_au_lait?=") == "Café au lait")
  }

  @Test func whitespaceBetweenEncodedWordsIsDropped() {
    #expect(HeaderDecoding.decodeText("=?UTF-8?Q?a?= =?UTF-8?Q?b?=") == "ab")
    #expect(HeaderDecoding.decodeText("=?UTF-8?Q?a?= plain") == "a plain")
  }

  @Test func multibyteCharacterSplitAcrossWords() {
    // "é" is C3 A9 in UTF-8; each word carries one of its bytes.
    #expect(HeaderDecoding.decodeText("=?UTF-8?B?w6?= =?UTF-8?B?qQ==?=") == "é")
    #expect(HeaderDecoding.decodeText("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=") == "café")
  }

  @Test func paddedBase64WordsFollowedByMoreWords() {
    let value = "=?UTF-8?B?TXlTdXJ2ZXk=?= =?UTF-8?B?LmNvbQ==?= =?UTF-8?Q?!?="
    #expect(HeaderDecoding.decodeText(value) == "MySurvey.com!")
  }

  @Test func foldedValueIsUnfolded() {
    #expect(HeaderDecoding.decodeText("=?UTF-8?Q?one?=\r\n =?UTF-8?Q?_two?=") == "one two")
  }

  @Test func unknownCharsetKeepsReadableText() {
    #expect(HeaderDecoding.decodeText("=?NONE?B?VEVTVA=?=") == "TEST")
  }

  @Test func invalidEncodedWordStaysLiteral() {
    #expect(HeaderDecoding.decodeText("=?UTF-8?X?abc?=") == "=?UTF-8?X?abc?=")
  }

  @Test func repairMergesOnlyRunsWithBase64() {
    let qOnly = Array("=?UTF-8?Q?a?= =?UTF-8?Q?b?=".utf8)
    #expect(EncodedWordRepair.repair(qOnly) == qOnly)
    let mixed = Array("=?UTF-8?B?YQ==?= =?UTF-8?Q?b?=".utf8)
    #expect(String(decoding: EncodedWordRepair.repair(mixed), as: UTF8.self) == "=?UTF-8?B?YWI=?=")
  }

  @Test func repairKeepsWordsInDifferentCharsetsApart() {
    let value = Array("=?UTF-8?B?YQ==?= =?ISO-8859-1?B?Yg==?=".utf8)
    #expect(EncodedWordRepair.repair(value) == value)
  }
}

@Suite struct FileNameParameterTests {
  @Test func rfc2231ExtendedValue() {
    let value = "attachment; filename*=UTF-8''%C3%A4%C3%B6%C3%BC.txt"
    #expect(HeaderDecoding.fileName(fromParameters: value) == "äöü.txt")
  }

  @Test func rfc2231ContinuationsAreJoined() {
    let value = "attachment; filename*0*=UTF-8''%E3%81%8B%E3%81%8D; filename*1*=%E3%81%8F.txt"
    #expect(HeaderDecoding.fileName(fromParameters: value) == "かきく.txt")
  }

  @Test func rfc2231WithLanguage() {
    let value = "attachment; filename*=iso-8859-1'de'M%FCller.pdf"
    #expect(HeaderDecoding.fileName(fromParameters: value) == "Müller.pdf")
  }

  @Test func encodedWordInQuotedParameter() {
    let value = "attachment; filename=\"=?UTF-8?B?UmVwb3J0LnBkZg==?=\""
    #expect(HeaderDecoding.fileName(fromParameters: value) == "Report.pdf")
  }

  @Test func nameParameterIsTheFallback() {
    #expect(HeaderDecoding.fileName(fromParameters: "inline; name=\"a b.txt\"") == "a b.txt")
  }
}

@Suite struct AddressParserTests {
  @Test func plainAddress() {
    #expect(AddressParser.parse("ann@example.com") == [Address(name: nil, email: "ann@example.com")])
  }

  @Test func quotedNameWithComma() {
    let addresses = AddressParser.parse("\"Doe, Jane\" <jane@example.com>, bob@example.com")
    #expect(addresses == [
      Address(name: "Doe, Jane", email: "jane@example.com"),
      Address(name: nil, email: "bob@example.com"),
    ])
  }

  @Test func escapedQuotesInName() {
    let addresses = AddressParser.parse(#""Jane \"JJ\" Doe" <jane@example.com>"#)
    #expect(addresses == [Address(name: "Jane \"JJ\" Doe", email: "jane@example.com")])
  }

  @Test func groupsAreFlattened() {
    let addresses = AddressParser.parse("Team: a@example.com, B <b@example.com>;, c@example.com")
    #expect(addresses.map(\.email) == ["a@example.com", "b@example.com", "c@example.com"])
  }

  @Test func emptyGroupGivesNoAddresses() {
    #expect(AddressParser.parse("undisclosed-recipients:;").isEmpty)
  }

  @Test func commentsAreDropped() {
    let addresses = AddressParser.parse("ann@example.com (Ann Smith)")
    #expect(addresses.map(\.email) == ["ann@example.com"])
  }

  @Test func encodedWordName() {
    let addresses = AddressParser.parse("=?UTF-8?Q?J=C3=BCrgen?= <j@example.de>")
    #expect(addresses == [Address(name: "Jürgen", email: "j@example.de")])
  }

  @Test func encodedWordInsideQuotedName() {
    let addresses = AddressParser.parse("\"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" <j@example.de>")
    #expect(addresses == [Address(name: "Jürgen Müller", email: "j@example.de")])
  }

  @Test func splitBase64WordsInQuotedName() {
    let addresses = AddressParser.parse("\"=?UTF-8?B?TXlTdXJ2ZXk=?= =?UTF-8?B?LmNvbQ==?=\" <a@example.com>")
    #expect(addresses == [Address(name: "MySurvey.com", email: "a@example.com")])
  }

  @Test func internationalizedDomainIsKeptAsWritten() {
    let addresses = AddressParser.parse("Ann <ann@bücher.example>")
    #expect(addresses == [Address(name: "Ann", email: "ann@bücher.example")])
    #expect(addresses.first?.domain == "bücher.example")
  }

  @Test func addressWithoutDomain() {
    #expect(AddressParser.parse("eryq").map(\.email) == ["eryq"])
  }

  @Test func garbageGivesNoAddresses() {
    #expect(AddressParser.parse("").isEmpty)
    #expect(AddressParser.parse(",,,").isEmpty)
  }
}

@Suite struct DateHeaderTests {
  private func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    return formatter.date(from: text)!
  }

  @Test func rfc5322Date() {
    #expect(HeaderDecoding.date("Tue, 1 Jul 2003 10:52:37 +0200") == utc("2003-07-01T08:52:37Z"))
  }

  @Test func twoDigitYearsFollowRFC5322() {
    // Years 00-49 are 2000-2049 and 50-99 are 1950-1999 (RFC 5322, section 4.3).
    #expect(HeaderDecoding.date("21 Nov 97 09:55:06 GMT") == utc("1997-11-21T09:55:06Z"))
    #expect(HeaderDecoding.date("1 Jan 05 00:00:00 +0000") == utc("2005-01-01T00:00:00Z"))
  }

  @Test func obsoleteZoneNames() {
    #expect(HeaderDecoding.date("Wed, 20 Dec 95 19:59 CST") == utc("1995-12-21T01:59:00Z"))
    #expect(HeaderDecoding.date("Mon, 2 Jan 2006 15:04:05 PDT") == utc("2006-01-02T22:04:05Z"))
  }

  @Test func twelveHourClock() {
    #expect(HeaderDecoding.date("Wed 29 May 2019 06:09:22 PM EDT") == utc("2019-05-29T22:09:22Z"))
    #expect(HeaderDecoding.date("Wed 29 May 2019 12:09:22 AM +0000") == utc("2019-05-29T00:09:22Z"))
  }

  @Test func threeDigitZone() {
    #expect(HeaderDecoding.date("Mon, 21 Aug 95 13:30:57 -600") == utc("1995-08-21T19:30:57Z"))
  }

  @Test func zoneGluedToTime() {
    #expect(HeaderDecoding.date("01 Jan 2001 00:01+0000") == utc("2001-01-01T00:01:00Z"))
  }

  @Test func garbageIsNil() {
    #expect(HeaderDecoding.date("Whenever") == nil)
    #expect(HeaderDecoding.date("") == nil)
  }

  @Test func repairLeavesGoodDatesUnchanged() {
    let value = "Tue, 1 Jul 2003 10:52:37 +0200"
    #expect(DateHeaderRepair.repair(value) == value)
  }
}
