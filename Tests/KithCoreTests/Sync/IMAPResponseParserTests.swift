import Foundation
import Testing

@testable import KithCore

/// Feeds `input` in pieces split at `splits` and returns every response, or the error text for
/// responses that failed to decode.
private func parseAll(_ input: [UInt8], splits: [Int] = []) -> [Result<IMAPResponse, KithError>] {
  var parser = IMAPResponseParser()
  var results: [Result<IMAPResponse, KithError>] = []
  var start = 0
  for end in splits + [input.count] where end >= start {
    parser.feed(input[start..<end])
    start = end
    while true {
      do {
        guard let response = try parser.next() else { break }
        results.append(.success(response))
      } catch let error as KithError {
        results.append(.failure(error))
        if parser.hasFailed { return results }
      } catch {
        Issue.record("unexpected error type \(error)")
        return results
      }
    }
  }
  return results
}

private func parseAll(_ text: String) -> [Result<IMAPResponse, KithError>] {
  parseAll(Array(text.utf8))
}

private func responses(_ results: [Result<IMAPResponse, KithError>]) -> [IMAPResponse] {
  results.compactMap { try? $0.get() }
}

private func fetchAttributes(_ response: IMAPResponse?) -> IMAPFetchAttributes? {
  guard case .untagged(.fetch(_, let attributes))? = response else { return nil }
  return attributes
}

/// Builds the bytes of a FETCH response with `body` as its BODY[] literal, followed by the tagged OK.
private func fetchResponse(sequence: Int, uid: UID, body: [UInt8], tag: String = "K7") -> [UInt8] {
  let head =
    "* \(sequence) FETCH (UID \(uid) FLAGS (\\Seen $Forwarded) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE \(body.count) BODY[] {\(body.count)}\r\n"
  return Array(head.utf8) + body + Array(")\r\n\(tag) OK Fetch completed.\r\n".utf8)
}

// MARK: - Literals

@Test func literalBodyKeepsTagLikeLines() throws {
  let body = Array("Subject: x\r\n\r\nK7 OK done\r\nA004 OK done\r\n* 2 EXISTS\r\n+ go ahead\r\n".utf8)
  let results = parseAll(fetchResponse(sequence: 1, uid: 42, body: body))

  #expect(results.count == 2)
  let attributes = try #require(fetchAttributes(try results.first?.get()))
  #expect(attributes.uid == 42)
  #expect(attributes.body == Data(body))
  #expect(attributes.flags == ["\\Seen", "$Forwarded"])
  #expect(attributes.size == body.count)
  #expect(attributes.internalDate == Date(timeIntervalSince1970: 837_596_665))
  #expect(try results.last?.get() == .tagged(tag: "K7", status: IMAPStatusResponse(kind: .ok, text: "Fetch completed.")))
}

@Test func literalsInsideEnvelopeAndBodystructure() throws {
  let text =
    "* 12 FETCH (UID 7 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" {11}\r\nSubject (1)"
    + " ((\"Ann\" NIL \"ann\" \"example.com\")) NIL NIL NIL NIL NIL NIL \"<id@x>\")"
    + " BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" {5}\r\nUTF-8) NIL NIL \"7BIT\" 3028 92)"
    + " BODY[HEADER.FIELDS (FROM TO)] {7}\r\nFrom:\r\n)\r\n"
  let results = parseAll(text)
  #expect(results.count == 1)
  let attributes = try #require(fetchAttributes(try results.first?.get()))

  #expect(attributes.uid == 7)
  guard case .list(let envelope)? = attributes.otherAttributes["ENVELOPE"] else {
    Issue.record("ENVELOPE missing")
    return
  }
  #expect(envelope.count == 10)
  #expect(envelope[1] == .string(Data("Subject (1)".utf8)))
  #expect(envelope[3] == .nil_)
  guard case .list(let structure)? = attributes.otherAttributes["BODYSTRUCTURE"] else {
    Issue.record("BODYSTRUCTURE missing")
    return
  }
  #expect(structure[2] == .list([.string(Data("CHARSET".utf8)), .string(Data("UTF-8".utf8))]))
  #expect(structure[6] == .number(3028))
  #expect(attributes.otherAttributes["BODY[HEADER.FIELDS (FROM TO)]"] == .string(Data("From:\r\n".utf8)))
}

@Test func literalMailboxNameInList() {
  let results = responses(parseAll("* LIST (\\HasNoChildren) \"/\" {9}\r\nSent Mail\r\n"))
  #expect(results == [.untagged(.list(IMAPMailbox(name: "Sent Mail", delimiter: "/", attributes: ["\\HasNoChildren"])))])
}

@Test func emptyLiteralAndNilBody() throws {
  let results = responses(parseAll("* 1 FETCH (UID 1 BODY[] {0}\r\n)\r\n* 2 FETCH (UID 2 BODY[] NIL)\r\n"))
  #expect(results.count == 2)
  #expect(fetchAttributes(results.first)?.body == Data())
  #expect(fetchAttributes(results.last)?.uid == 2)
  #expect(fetchAttributes(results.last)?.body == nil)
}

@Test func literalSplitAtEveryByteBoundary() throws {
  let body = Array("From: a@b\r\n\r\nK7 OK fake\r\n* 9 EXPUNGE\r\n\u{00E9}\r\n".utf8)
  let stream =
    Array("* 3 EXISTS\r\n".utf8) + fetchResponse(sequence: 1, uid: 5, body: body)
    + Array("* LIST () \"/\" {5}\r\nInbox\r\n".utf8)
  let expected = responses(parseAll(stream))
  #expect(expected.count == 4)

  for split in 0...stream.count {
    let results = parseAll(stream, splits: [split])
    #expect(responses(results) == expected, "split at byte \(split)")
  }
  let byteByByte = parseAll(stream, splits: Array(1..<stream.count))
  #expect(responses(byteByByte) == expected)
}

// MARK: - Strings, NIL and codes

@Test func quotedStringEscapes() {
  let results = responses(parseAll("* LIST (\\Marked) \".\" \"a \\\"b\\\" \\\\c\"\r\n"))
  #expect(results == [.untagged(.list(IMAPMailbox(name: "a \"b\" \\c", delimiter: ".", attributes: ["\\Marked"])))])
}

@Test func atomMailboxNameWithTilde() {
  let results = responses(parseAll("* LIST () \"/\" ~peter/mail\r\n* LIST () \"/\" ~{3}\r\nabc\r\n"))
  #expect(results == [
    .untagged(.list(IMAPMailbox(name: "~peter/mail", delimiter: "/", attributes: []))),
    .untagged(.list(IMAPMailbox(name: "abc", delimiter: "/", attributes: []))),
  ])
}

@Test func nilDelimiterInList() {
  let results = responses(parseAll("* LIST (\\Noselect) NIL \"\"\r\n"))
  #expect(results == [.untagged(.list(IMAPMailbox(name: "", delimiter: nil, attributes: ["\\Noselect"])))])
}

@Test func selectResponseCodes() {
  let text =
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
    + "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
    + "* 172 EXISTS\r\n* 1 RECENT\r\n"
    + "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
    + "* OK [UIDNEXT 4392] Predicted next UID\r\n"
    + "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
    + "K2 OK [READ-ONLY] EXAMINE completed\r\n"
  let results = responses(parseAll(text))
  #expect(results.count == 8)
  #expect(results[0] == .untagged(.flags(["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"])))
  #expect(results[1] == .untagged(.status(IMAPStatusResponse(kind: .ok, code: .permanentFlags(["\\Deleted", "\\Seen", "\\*"]), text: "Limited"))))
  #expect(results[2] == .untagged(.exists(172)))
  #expect(results[3] == .untagged(.recent(1)))
  #expect(results[4] == .untagged(.status(IMAPStatusResponse(kind: .ok, code: .uidValidity(3_857_529_045), text: "UIDs valid"))))
  #expect(results[5] == .untagged(.status(IMAPStatusResponse(kind: .ok, code: .uidNext(4392), text: "Predicted next UID"))))
  #expect(results[6] == .untagged(.status(IMAPStatusResponse(kind: .ok, code: .highestModSeq(715_194_045_007), text: "Highest"))))
  #expect(results[7] == .tagged(tag: "K2", status: IMAPStatusResponse(kind: .ok, code: .readOnly, text: "EXAMINE completed")))
}

@Test func statusTextEndingInBracesIsNoLiteral() {
  let results = responses(parseAll("K3 NO try again {5}\r\n* 1 EXISTS\r\n+ send {3}\r\n"))
  #expect(results == [
    .tagged(tag: "K3", status: IMAPStatusResponse(kind: .no, text: "try again {5}")),
    .untagged(.exists(1)),
    .continuation("send {3}"),
  ])
}

@Test func capabilityEnabledSearchVanished() {
  let text =
    "* CAPABILITY IMAP4rev1 IDLE CONDSTORE\r\n* ENABLED QRESYNC\r\n"
    + "* SEARCH 2 84 882\r\n* SEARCH\r\n* SEARCH 5 (MODSEQ 917162500)\r\n"
    + "* ESEARCH (TAG \"K9\") UID MIN 2 MAX 99 COUNT 3 ALL 2,10:11\r\n"
    + "* VANISHED (EARLIER) 300:310,405\r\n* VANISHED 20\r\n"
  let results = responses(parseAll(text))
  #expect(results.count == 8)
  #expect(results[0] == .untagged(.capability(["IMAP4rev1", "IDLE", "CONDSTORE"])))
  #expect(results[1] == .untagged(.enabled(["QRESYNC"])))
  #expect(results[2] == .untagged(.search([2, 84, 882], modSeq: nil)))
  #expect(results[3] == .untagged(.search([], modSeq: nil)))
  #expect(results[4] == .untagged(.search([5], modSeq: 917_162_500)))
  #expect(results[5] == .untagged(.esearch(IMAPESearchResult(tag: "K9", isUID: true, min: 2, max: 99, count: 3, all: IMAPSequenceSet(ranges: [2...2, 10...11])))))
  #expect(results[6] == .untagged(.vanished(earlier: true, uids: IMAPSequenceSet(ranges: [300...310, 405...405]))))
  #expect(results[7] == .untagged(.vanished(earlier: false, uids: IMAPSequenceSet(ranges: [20...20]))))
}

@Test func fetchWithModSeqAndUnknownTagged() {
  let results = responses(parseAll("* 4 FETCH (UID 8 MODSEQ (12345) FLAGS ())\r\nA004 OK done\r\n"))
  #expect(results.count == 2)
  #expect(fetchAttributes(results.first) == IMAPFetchAttributes(uid: 8, flags: [], modSeq: 12345))
  #expect(results.last == .tagged(tag: "A004", status: IMAPStatusResponse(kind: .ok, text: "done")))
}

// MARK: - Unsolicited responses, 8-bit data, long lines

@Test func unsolicitedResponsesBetweenFetches() {
  let stream =
    Array("* 5 EXISTS\r\n".utf8) + fetchResponse(sequence: 1, uid: 1, body: Array("a\r\n".utf8), tag: "K4")
    + Array("* 3 EXPUNGE\r\n* 2 FETCH (FLAGS (\\Seen) UID 9)\r\n".utf8)
    + fetchResponse(sequence: 2, uid: 2, body: Array("b\r\n".utf8), tag: "K5")
  let results = responses(parseAll(stream))

  #expect(results.count == 7)
  #expect(results[0] == .untagged(.exists(5)))
  #expect(fetchAttributes(results[1])?.body == Data("a\r\n".utf8))
  #expect(results[2] == .tagged(tag: "K4", status: IMAPStatusResponse(kind: .ok, text: "Fetch completed.")))
  #expect(results[3] == .untagged(.expunge(sequenceNumber: 3)))
  #expect(fetchAttributes(results[4]) == IMAPFetchAttributes(uid: 9, flags: ["\\Seen"]))
  #expect(fetchAttributes(results[5])?.body == Data("b\r\n".utf8))
}

@Test func eightBitBytesInLiteralAndQuoted() throws {
  let body: [UInt8] = Array(0...255) + [13, 10]
  let stream =
    fetchResponse(sequence: 1, uid: 3, body: body)
    + [UInt8]("* LIST () \"/\" \"".utf8) + [0xC3, 0xA9, 0xFF] + [UInt8]("\"\r\n".utf8)
  let results = parseAll(stream)
  let parsed = responses(results)

  #expect(parsed.count == 3)
  #expect(fetchAttributes(parsed.first)?.body == Data(body))
  guard case .untagged(.list(let mailbox)) = parsed[2] else {
    Issue.record("LIST missing")
    return
  }
  #expect(mailbox.name.hasPrefix("\u{00E9}"))
}

@Test func hugeLinesAndLiterals() throws {
  let longLine = [UInt8](repeating: UInt8(ascii: "x"), count: 300 * 1024)
  let body = Array("Subject: long\r\n\r\n".utf8) + longLine + [13, 10]
  let longText = String(repeating: "y", count: 400 * 1024)
  let stream = fetchResponse(sequence: 1, uid: 1, body: body) + Array("* OK \(longText)\r\n".utf8)

  let splits = Array(stride(from: 16 * 1024, to: stream.count, by: 16 * 1024))
  let results = responses(parseAll(stream, splits: splits))
  #expect(results.count == 3)
  #expect(fetchAttributes(results.first)?.body == Data(body))
  #expect(results.last == .untagged(.status(IMAPStatusResponse(kind: .ok, text: longText))))
}

// MARK: - Malformed input

@Test func malformedResponseIsSkipped() throws {
  let results = parseAll("* 1 FETCH (UID x)\r\nK1 MAYBE\r\n* LIST (\r\n* 4 EXISTS\r\n")
  #expect(results.count == 4)
  for result in results.prefix(3) {
    guard case .failure(let error) = result else {
      Issue.record("expected an error, got \(result)")
      continue
    }
    #expect(error.code == .serverResponse)
  }
  #expect(try results.last?.get() == .untagged(.exists(4)))
}

@Test func deepNestingIsRejected() throws {
  let text = "* 1 FETCH (X " + String(repeating: "(", count: 100_000) + ")\r\n* 2 EXISTS\r\n"
  let results = parseAll(text)
  #expect(results.count == 2)
  if case .success = results.first { Issue.record("deep nesting was accepted") }
  #expect(try results.last?.get() == .untagged(.exists(2)))
}

@Test func oversizedResponseFailsParser() {
  var parser = IMAPResponseParser(maximumResponseSize: 1000)
  parser.feed(Array("* 1 FETCH (BODY[] {5000}\r\n".utf8) + [UInt8](repeating: 65, count: 100))
  #expect(throws: KithError.self) { try parser.next() }
  #expect(parser.hasFailed)
  parser.feed(Array("* 1 EXISTS\r\n".utf8))
  #expect(throws: KithError.self) { try parser.next() }
}

@Test func literalCountOverflowIsRejected() {
  let results = parseAll("* 1 FETCH (BODY[] {99999999999999999999}\r\nabc)\r\n* 3 EXISTS\r\n")
  #expect(results.contains { if case .failure = $0 { return true } else { return false } })
  #expect(responses(results).last == .untagged(.exists(3)))
}

/// A seedable generator (SplitMix64), so that the random test is repeatable.
private struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Test func randomInputNeverCrashesOrHangs() {
  var random = SplitMix64(state: 20_261_204)
  let tokens: [[UInt8]] = [
    "* ", "K1 ", "+ ", "OK ", "FETCH ", "(", ")", "{", "}", "{3}\r\n", "{0}\r\n", "\"", "\\",
    "\r\n", "\n", "\r", " ", "NIL", "UID ", "BODY[] ", "[", "]", "<0>", "123", "4294967296",
    "EXISTS", "LIST ", "VANISHED ", "ESEARCH ", "1:*,", "~{2}\r\n", "\u{00FF}", "\0",
  ].map { Array($0.utf8) }

  var responseCount = 0
  var errorCount = 0
  for _ in 0..<3000 {
    var input: [UInt8] = []
    for _ in 0..<Int.random(in: 1...60, using: &random) {
      if Bool.random(using: &random) {
        input += tokens.randomElement(using: &random)!
      } else {
        input.append(UInt8.random(in: 0...255, using: &random))
      }
    }
    input += Array("\r\n* 77 EXISTS\r\n".utf8)

    var parser = IMAPResponseParser(maximumResponseSize: 4096)
    var start = 0
    while start < input.count {
      let end = min(input.count, start + Int.random(in: 1...64, using: &random))
      parser.feed(input[start..<end])
      start = end
      // Each response consumes at least one byte, so the input size bounds the loop.
      for _ in 0...input.count {
        do {
          guard try parser.next() != nil else { break }
          responseCount += 1
        } catch {
          errorCount += 1
          if parser.hasFailed { break }
        }
      }
    }
  }
  #expect(responseCount > 3000)
  #expect(errorCount > 0)
}

@Test func mutatedValidStreamsStayBounded() {
  var random = SplitMix64(state: 7)
  let valid = fetchResponse(sequence: 1, uid: 5, body: Array("Subject: a\r\n\r\nbody\r\n".utf8))
    + Array("* 2 FETCH (UID 6 ENVELOPE (\"d\" {2}\r\nab NIL))\r\n".utf8)
  for _ in 0..<2000 {
    var input = valid
    for _ in 0..<Int.random(in: 1...4, using: &random) {
      let index = Int.random(in: 0..<input.count, using: &random)
      switch Int.random(in: 0..<3, using: &random) {
      case 0: input[index] = UInt8.random(in: 0...255, using: &random)
      case 1: input.remove(at: index)
      default: input.insert(UInt8.random(in: 0...255, using: &random), at: index)
      }
    }
    let results = parseAll(input + Array("\r\n* 8 EXISTS\r\n".utf8))
    #expect(results.count <= input.count + 2)
  }
}

// MARK: - Helpers of the syntax

@Test func internalDateParsing() {
  #expect(IMAPDate.parse("17-Jul-1996 02:44:25 -0700") == Date(timeIntervalSince1970: 837_596_665))
  #expect(IMAPDate.parse(" 1-Jan-1970 00:00:00 +0000") == Date(timeIntervalSince1970: 0))
  #expect(IMAPDate.parse("29-Feb-2024 23:59:59 +0100") == Date(timeIntervalSince1970: 1_709_247_599))
  #expect(IMAPDate.parse("32-Jan-2024 00:00:00 +0000") == nil)
  #expect(IMAPDate.parse("1-Foo-2024 00:00:00 +0000") == nil)
  #expect(IMAPDate.parse("garbage") == nil)
}

@Test func sequenceSetCompression() {
  #expect(IMAPSequenceSet(numbers: [5, 1, 2, 3, 9, 10, 3]).wireText == "1:3,5,9:10")
  #expect(IMAPSequenceSet(numbers: [UInt32.max, UInt32.max - 1]).wireText == "4294967294:4294967295")
  #expect(IMAPSequenceSet(numbers: [7]).count == 1)
  #expect(IMAPSequenceSetParser.parse("1:3,5,9:*") == IMAPSequenceSet(ranges: [1...3, 5...5, 9...UInt32.max]))
  #expect(IMAPSequenceSetParser.parse("1,,2") == nil)
}
