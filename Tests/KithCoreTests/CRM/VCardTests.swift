import Foundation
import Testing

@testable import KithCore

@Suite struct VCardTests {
  @Test func parsesVersion3Card() throws {
    let text = """
      BEGIN:VCARD\r
      VERSION:3.0\r
      N:Lee;Ann;;Dr.;\r
      FN:Dr. Ann Lee\r
      ORG:Example Inc.;Sales\r
      TITLE:Head of Sales\r
      EMAIL;TYPE=INTERNET,WORK:ann@example.com\r
      EMAIL;TYPE=INTERNET;TYPE=HOME;TYPE=PREF:ann@home.net\r
      TEL;TYPE=WORK,VOICE:+1 555 0100\r
      NOTE:Met at the fair\\, booth 4\\nCall in May\r
      END:VCARD\r

      """

    let (cards, problems) = VCardImporter.parse(text)

    #expect(problems.isEmpty)
    let card = try #require(cards.first)
    #expect(cards.count == 1)
    #expect(card.version == "3.0")
    #expect(card.formattedName == "Dr. Ann Lee")
    #expect(card.familyName == "Lee")
    #expect(card.givenName == "Ann")
    #expect(card.organization == "Example Inc.")
    #expect(card.title == "Head of Sales")
    #expect(card.emails.map(\.value) == ["ann@example.com", "ann@home.net"])
    #expect(card.emails[0].types == ["internet", "work"])
    #expect(card.emails[1].isPreferred)
    #expect(card.emailsPreferredFirst == ["ann@home.net", "ann@example.com"])
    #expect(card.preferredPhone == "+1 555 0100")
    #expect(card.note == "Met at the fair, booth 4\nCall in May")
    #expect(card.line == 1)
  }

  @Test func parsesVersion4Card() throws {
    let text = """
      BEGIN:VCARD
      VERSION:4.0
      FN:Bob Stone
      EMAIL;TYPE=work;PREF=1:bob@stone.example
      EMAIL;TYPE="home,internet":bob@mail.example
      TEL;VALUE=uri;TYPE="voice,cell":tel:+44-20-7946-0000
      item1.ORG:Stone \\; Sons
      END:VCARD
      """

    let (cards, problems) = VCardImporter.parse(text)

    #expect(problems.isEmpty)
    let card = try #require(cards.first)
    #expect(card.version == "4.0")
    #expect(card.displayName == "Bob Stone")
    #expect(card.emails[0].isPreferred)
    #expect(card.emails[0].types == ["work"])
    #expect(card.emails[1].types == ["home", "internet"])
    #expect(card.preferredPhone == "+44-20-7946-0000")
    #expect(card.organization == "Stone ; Sons")
  }

  @Test func unfoldsContinuationLines() throws {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carla\r\n  Maria Rossi\r\nNOTE:first\r\n\tsecond\r\nEMAIL:car\r\n la@example.it\r\nEND:VCARD\r\n"

    let card = try #require(VCardImporter.parse(text).cards.first)

    #expect(card.formattedName == "Carla Maria Rossi")
    #expect(card.note == "firstsecond")
    #expect(card.emails.map(\.value) == ["carla@example.it"])
  }

  @Test func decodesEscapes() throws {
    let text = """
      BEGIN:VCARD
      VERSION:3.0
      FN:Back\\\\slash\\, Comma\\; Semi
      NOTE:line one\\nline two\\Nline three
      EMAIL:x@example.com
      END:VCARD
      """

    let card = try #require(VCardImporter.parse(text).cards.first)

    #expect(card.formattedName == "Back\\slash, Comma; Semi")
    #expect(card.note == "line one\nline two\nline three")
  }

  @Test func decodesQuotedPrintableWithCharset() throws {
    let text = """
      BEGIN:VCARD
      VERSION:2.1
      N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen
      FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller
      NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0A=
      zweite Zeile
      EMAIL;INTERNET;PREF:juergen@example.de
      TEL;WORK;VOICE:+49 30 1234
      END:VCARD
      """

    let (cards, problems) = VCardImporter.parse(text)

    #expect(problems.isEmpty)
    let card = try #require(cards.first)
    #expect(card.familyName == "Müller")
    #expect(card.givenName == "Jürgen")
    #expect(card.formattedName == "Jürgen Müller")
    #expect(card.note == "Erste Zeile\r\nzweite Zeile")
    #expect(card.emails.first?.isPreferred == true)
    #expect(card.emails.first?.types == ["internet"])
    #expect(card.phones.first?.types == ["work", "voice"])
  }

  @Test func readsSeveralCards() {
    let text = """
      BEGIN:VCARD
      VERSION:3.0
      FN:One
      EMAIL:one@example.com
      END:VCARD
      BEGIN:VCARD
      VERSION:3.0
      FN:Two
      EMAIL:two@example.com
      EMAIL:second@example.com
      END:VCARD
      """

    let cards = VCardImporter.parse(text).cards

    #expect(cards.map(\.formattedName) == ["One", "Two"])
    #expect(cards[1].emails.count == 2)
    #expect(cards[1].line == 6)
  }

  @Test func nameFallsBackToN() {
    let text = "BEGIN:VCARD\nVERSION:3.0\nN:Okafor;Chidi;;;\nEND:VCARD\n"
    #expect(VCardImporter.parse(text).cards.first?.displayName == "Chidi Okafor")
  }

  @Test func reportsBadCards() {
    let text = """
      stray text before
      BEGIN:VCARD
      VERSION:3.0
      TEL:123
      END:VCARD
      BEGIN:VCARD
      VERSION:3.0
      this line has no colon
      FN:Kept
      BEGIN:VCARD
      FN:Cut off
      EMAIL:cut@example.com
      """

    let (cards, problems) = VCardImporter.parse(text)

    #expect(cards.map(\.formattedName) == ["Kept", "Cut off"])
    #expect(problems.count == 5)
    #expect(problems.contains("Line 1: ignored text outside BEGIN:VCARD and END:VCARD."))
    #expect(problems.contains { $0.contains("line 2 has no name (FN or N) and no email address") })
    #expect(problems.contains("Line 8: ignored a line without a colon."))
    #expect(problems.contains { $0.hasPrefix("Line 10: BEGIN:VCARD inside the card that starts at line 6") })
    #expect(problems.contains { $0.contains("line 10 has no END:VCARD") })
  }

  @Test func unknownCharsetIsReported() throws {
    let text = """
      BEGIN:VCARD
      FN;CHARSET=X-UNKNOWN;ENCODING=QUOTED-PRINTABLE:Ann
      END:VCARD
      """
    let (cards, problems) = VCardImporter.parse(text)
    #expect(cards.first?.formattedName == "Ann")
    #expect(problems == ["Line 2: unknown charset X-UNKNOWN; read the value as UTF-8."])
  }

  @Test func dataFallsBackToWindows1252() throws {
    var bytes = Array("BEGIN:VCARD\nFN:Ren".utf8)
    bytes.append(0xE9)  // é in Windows-1252, invalid alone in UTF-8
    bytes += Array("\nEMAIL:rene@example.fr\nEND:VCARD\n".utf8)

    let (cards, problems) = VCardImporter.parse(data: Data(bytes))

    #expect(cards.first?.formattedName == "René")
    #expect(problems.count == 1)
  }

  @Test func byteOrderMarkIsDropped() {
    let data = Data([0xEF, 0xBB, 0xBF]) + Data("BEGIN:VCARD\nFN:Ann\nEND:VCARD\n".utf8)
    let (cards, problems) = VCardImporter.parse(data: data)
    #expect(cards.count == 1)
    #expect(problems.isEmpty)
  }
}
