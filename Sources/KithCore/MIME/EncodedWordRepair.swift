import Foundation

/// Rewrites runs of RFC 2047 encoded words so that GMime decodes them correctly.
///
/// GMime 3.2.13 joins the payloads of adjacent encoded words in the same charset before it
/// decodes them, which keeps a multibyte character that is split across two words intact.
/// For base64 words that end in "=" padding the joined payload stops decoding at the first
/// padding, so "=?UTF-8?B?TXlTdXJ2ZXk=?= =?UTF-8?B?LmNvbQ==?=" decodes to "MySurvey" only.
/// This type decodes each word of such a run to bytes itself and replaces the run with one
/// base64 word, which GMime then decodes whole.
enum EncodedWordRepair {
  private struct EncodedWord {
    var range: Range<Int>
    var charset: String
    var isBase64: Bool
    var payload: ArraySlice<UInt8>
  }

  /// Returns `value` with every run of two or more adjacent encoded words in one charset,
  /// at least one of them base64, merged into a single base64 encoded word.
  static func repair(_ value: [UInt8]) -> [UInt8] {
    let words = findWords(value)
    guard words.count > 1 else { return value }

    var output: [UInt8] = []
    var position = 0
    var index = 0
    while index < words.count {
      var end = index
      while end + 1 < words.count, isAdjacent(words[end], words[end + 1], in: value) {
        end += 1
      }
      let run = words[index...end]
      if run.count > 1 && run.contains(where: \.isBase64) {
        output += value[position..<run.first!.range.lowerBound]
        var bytes: [UInt8] = []
        for word in run { bytes += word.isBase64 ? decodeBase64(word.payload) : decodeQ(word.payload) }
        output += Array("=?\(run.first!.charset)?B?".utf8)
        output += Array(Data(bytes).base64EncodedString().utf8)
        output += Array("?=".utf8)
        position = run.last!.range.upperBound
      }
      index = end + 1
    }
    output += value[position...]
    return output
  }

  private static func isAdjacent(_ first: EncodedWord, _ second: EncodedWord, in value: [UInt8]) -> Bool {
    guard first.charset.lowercased() == second.charset.lowercased() else { return false }
    return value[first.range.upperBound..<second.range.lowerBound].allSatisfy {
      $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A
    }
  }

  /// Finds "=?charset?B|Q?payload?=" tokens; the payload may not contain "?" or white space.
  private static func findWords(_ value: [UInt8]) -> [EncodedWord] {
    var words: [EncodedWord] = []
    var index = 0
    let question = UInt8(ascii: "?")
    let equals = UInt8(ascii: "=")
    while index + 1 < value.count {
      guard value[index] == equals, value[index + 1] == question else {
        index += 1
        continue
      }
      var cursor = index + 2
      while cursor < value.count, value[cursor] != question, !isSpace(value[cursor]) { cursor += 1 }
      guard cursor + 3 < value.count, value[cursor] == question, cursor > index + 2,
        value[cursor + 2] == question
      else {
        index += 2
        continue
      }
      let encoding = value[cursor + 1] | 0x20
      guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else {
        index += 2
        continue
      }
      let charset = String(decoding: value[(index + 2)..<cursor], as: UTF8.self)
      let payloadStart = cursor + 3
      var payloadEnd = payloadStart
      while payloadEnd < value.count, value[payloadEnd] != question, !isSpace(value[payloadEnd]) {
        payloadEnd += 1
      }
      guard payloadEnd + 1 < value.count, value[payloadEnd] == question, value[payloadEnd + 1] == equals else {
        index += 2
        continue
      }
      words.append(
        EncodedWord(
          range: index..<(payloadEnd + 2), charset: charset,
          isBase64: encoding == UInt8(ascii: "b"), payload: value[payloadStart..<payloadEnd]))
      index = payloadEnd + 2
    }
    return words
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
  }

  /// Decodes base64 leniently: characters outside the alphabet and padding are skipped and
  /// a trailing partial group gives as many whole bytes as it holds.
  static func decodeBase64(_ payload: ArraySlice<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in payload {
      let value: UInt8
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
      case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
      case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
      case UInt8(ascii: "+"): value = 62
      case UInt8(ascii: "/"): value = 63
      default: continue
      }
      buffer = (buffer << 6) | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
      }
    }
    return output
  }

  /// Decodes the Q encoding: "_" is a space and "=XX" a hexadecimal byte.
  static func decodeQ(_ payload: ArraySlice<UInt8>) -> [UInt8] {
    var output: [UInt8] = []
    var index = payload.startIndex
    while index < payload.endIndex {
      let byte = payload[index]
      if byte == UInt8(ascii: "_") {
        output.append(0x20)
      } else if byte == UInt8(ascii: "="), index + 2 < payload.endIndex,
        let high = hexDigitValue(payload[index + 1]), let low = hexDigitValue(payload[index + 2])
      {
        output.append(high << 4 | low)
        index += 2
      } else {
        output.append(byte)
      }
      index += 1
    }
    return output
  }

}
