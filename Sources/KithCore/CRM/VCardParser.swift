import Foundation

extension VCardImporter {
  /// The state of one parse: the card being read, finished cards and problems.
  struct Parser {
    private(set) var cards: [VCard] = []
    private(set) var problems: [String] = []
    private var current: VCard?
    private var hasReportedStrayText = false

    mutating func consume(_ logical: (text: String, line: Int)) {
      guard let line = ContentLines.parse(logical.text, line: logical.line) else {
        if current == nil {
          reportStrayText(line: logical.line)
        } else {
          problems.append("Line \(logical.line): ignored a line without a colon.")
        }
        return
      }
      let value = line.value.trimmingWhitespace()

      switch line.name {
      case "BEGIN" where value.uppercased() == "VCARD":
        if let open = current {
          problems.append(
            "Line \(line.line): BEGIN:VCARD inside the card that starts at line \(open.line); ended that card here.")
          close()
        }
        current = VCard(line: line.line)
        hasReportedStrayText = false
      case "END" where value.uppercased() == "VCARD":
        if current == nil {
          problems.append("Line \(line.line): ignored END:VCARD without BEGIN:VCARD.")
        }
        close()
      default:
        guard current != nil else {
          reportStrayText(line: line.line)
          return
        }
        apply(line)
      }
    }

    /// Reports the first line of each stretch of text between cards.
    private mutating func reportStrayText(line: Int) {
      guard !hasReportedStrayText else { return }
      problems.append("Line \(line): ignored text outside BEGIN:VCARD and END:VCARD.")
      hasReportedStrayText = true
    }

    /// Ends the parse; a card still open was cut off.
    mutating func finish() {
      if let open = current {
        problems.append("The card that starts at line \(open.line) has no END:VCARD; kept what was read.")
        close()
      }
    }

    private mutating func close() {
      guard let card = current else { return }
      current = nil
      if card.displayName == nil && card.emails.isEmpty {
        problems.append(
          "The card that starts at line \(card.line) has no name (FN or N) and no email address; skipped it.")
        return
      }
      cards.append(card)
    }

    private mutating func apply(_ line: ContentLine) {
      guard let text = decodedValue(line) else { return }
      switch line.name {
      case "VERSION":
        current?.version = text.trimmingWhitespace()
      case "FN":
        current?.formattedName = nonEmpty(unescape(text))
      case "N":
        let parts = splitStructured(text)
        current?.familyName = parts.indices.contains(0) ? nonEmpty(parts[0]) : nil
        current?.givenName = parts.indices.contains(1) ? nonEmpty(parts[1]) : nil
      case "EMAIL":
        var address = unescape(text).trimmingWhitespace()
        if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
        guard !address.isEmpty else { return }
        current?.emails.append(Self.typedValue(address, line))
      case "TEL":
        var number = unescape(text).trimmingWhitespace()
        if number.lowercased().hasPrefix("tel:") { number = String(number.dropFirst(4)) }
        guard !number.isEmpty else { return }
        current?.phones.append(Self.typedValue(number, line))
      case "ORG":
        current?.organization = splitStructured(text).first.flatMap(nonEmpty)
      case "TITLE":
        current?.title = nonEmpty(unescape(text))
      case "NOTE":
        current?.note = nonEmpty(unescape(text))
      default:
        break
      }
    }

    private static func typedValue(_ value: String, _ line: ContentLine) -> VCard.TypedValue {
      let types = line.parameter("TYPE").map { $0.lowercased() }
      let isPreferred = types.contains("pref") || line.parameter("PREF").contains("1")
      return VCard.TypedValue(
        value: value, types: types.filter { $0 != "pref" }, isPreferred: isPreferred)
    }

    /// Returns the value with its transfer encoding undone, or nil for binary data.
    private mutating func decodedValue(_ line: ContentLine) -> String? {
      let encoding = line.parameter("ENCODING").first?.uppercased()
      switch encoding {
      case nil, "8BIT", "7BIT":
        return line.value
      case "QUOTED-PRINTABLE":
        let bytes = QuotedPrintable.decode(line.value)
        let charset = line.parameter("CHARSET").first
        return decode(bytes, charset: charset, line: line.line)
      default:
        // BASE64 or B: binary data such as PHOTO, which Kith does not keep.
        return nil
      }
    }

    private mutating func decode(_ bytes: [UInt8], charset: String?, line: Int) -> String {
      let name = charset ?? "UTF-8"
      guard let encoding = Charsets.encoding(named: name) else {
        problems.append("Line \(line): unknown charset \(name); read the value as UTF-8.")
        return String(decoding: bytes, as: UTF8.self)
      }
      if let text = String(bytes: bytes, encoding: encoding) { return text }
      problems.append("Line \(line): the value is not valid \(name); read it as Windows-1252.")
      return String(bytes: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
    }
  }
}

/// Undoes the vCard text escapes: `\\`, `\;`, `\,`, `\:` and `\n` or `\N` for a line break.
func unescape(_ text: some StringProtocol) -> String {
  var result = ""
  var isEscaped = false
  for character in text {
    if isEscaped {
      switch character {
      case "n", "N": result.append("\n")
      default: result.append(character)
      }
      isEscaped = false
    } else if character == "\\" {
      isEscaped = true
    } else {
      result.append(character)
    }
  }
  if isEscaped { result.append("\\") }
  return result
}

/// Splits a structured value (N, ORG) at unescaped semicolons and unescapes each component.
func splitStructured(_ text: String) -> [String] {
  var components: [String] = []
  var current = ""
  var isEscaped = false
  for character in text {
    if isEscaped {
      current.append("\\")
      current.append(character)
      isEscaped = false
    } else if character == "\\" {
      isEscaped = true
    } else if character == ";" {
      components.append(unescape(current).trimmingWhitespace())
      current = ""
    } else {
      current.append(character)
    }
  }
  components.append(unescape(current).trimmingWhitespace())
  return components
}

private func nonEmpty(_ text: String) -> String? {
  let trimmed = text.trimmingWhitespaceAndNewlines()
  return trimmed.isEmpty ? nil : trimmed
}

enum QuotedPrintable {
  /// Decodes `=XX` escapes to bytes; the other characters are taken as UTF-8. A malformed
  /// escape stays as written.
  static func decode(_ text: String) -> [UInt8] {
    let input = Array(text.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte == UInt8(ascii: "="), index + 2 < input.count,
        let high = hexDigitValue(input[index + 1]), let low = hexDigitValue(input[index + 2])
      {
        output.append(high << 4 | low)
        index += 3
      } else {
        output.append(byte)
        index += 1
      }
    }
    return output
  }

}

enum Charsets {
  /// Returns the Foundation encoding for an IANA charset name, for the charsets vCard
  /// exporters are known to write; nil for others.
  static func encoding(named name: String) -> String.Encoding? {
    switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
    case "utf-8", "utf8": return .utf8
    case "us-ascii", "ascii": return .utf8
    case "iso-8859-1", "latin1", "iso8859-1": return .isoLatin1
    case "iso-8859-2", "latin2": return .isoLatin2
    case "windows-1252", "cp1252": return .windowsCP1252
    case "windows-1250", "cp1250": return .windowsCP1250
    case "windows-1251", "cp1251": return .windowsCP1251
    case "shift-jis", "sjis": return .shiftJIS
    case "euc-jp": return .japaneseEUC
    case "utf-16": return .utf16
    default: return nil
    }
  }
}
