import Foundation

/// A parser for vCard files (versions 2.1, 3.0 and 4.0) that keeps what a contact needs.
///
/// It unfolds continuation lines, decodes QUOTED-PRINTABLE values with their CHARSET
/// (2.1 and 3.0), undoes the text escapes `\\`, `\;`, `\,` and `\n`, and reads FN, N, EMAIL,
/// TEL, ORG, TITLE and NOTE. Other properties are skipped without a report.
public struct VCardImporter {
  /// Parses `text` and returns the cards found, and one line per problem met.
  ///
  /// A card with neither a name (FN or N) nor an email address is reported and left out.
  /// A card cut off before END:VCARD is reported and kept.
  public static func parse(_ text: String) -> (cards: [VCard], problems: [String]) {
    var parser = Parser()
    for line in ContentLines.unfold(text) {
      parser.consume(line)
    }
    parser.finish()
    return (parser.cards, parser.problems)
  }

  /// Decodes a file's bytes as UTF-8 (a byte order mark is dropped), falling back to
  /// Windows-1252 with a reported problem, then parses it.
  public static func parse(data: Data) -> (cards: [VCard], problems: [String]) {
    var bytes = data
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    if let text = String(data: bytes, encoding: .utf8) {
      return parse(text)
    }
    let text = String(data: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
    let result = parse(text)
    return (result.cards, ["The file is not valid UTF-8; read it as Windows-1252."] + result.problems)
  }
}

/// One unfolded content line: `group.NAME;PARAM=VALUE:value` split into its parts.
struct ContentLine {
  /// The property name, upper-cased, without its group.
  var name: String
  /// Parameter values by upper-cased parameter name. A bare 2.1 parameter such as `WORK`
  /// is stored under TYPE, and a bare QUOTED-PRINTABLE under ENCODING.
  var parameters: [String: [String]]
  /// The raw value, still escaped and encoded.
  var value: String
  /// The 1-based input line where the content line starts.
  var line: Int

  func parameter(_ name: String) -> [String] { parameters[name] ?? [] }
}

enum ContentLines {
  /// Splits `text` into logical lines: a line that starts with a space or tab continues the
  /// previous one (RFC 6350, section 3.2), and in a QUOTED-PRINTABLE value a line ending in
  /// "=" continues on the next line (vCard 2.1). Returns each line with its line number.
  static func unfold(_ text: String) -> [(text: String, line: Int)] {
    var result: [(text: String, line: Int)] = []
    var current: String?
    var currentLine = 0
    var lineNumber = 0

    for physical in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
      lineNumber += 1
      if let first = physical.first, first == " " || first == "\t", current != nil {
        current! += physical.dropFirst()
        continue
      }
      if let open = current, isQuotedPrintable(open), open.hasSuffix("=") {
        current = String(open.dropLast()) + physical
        continue
      }
      if let open = current { result.append((open, currentLine)) }
      current = physical.isEmpty ? nil : String(physical)
      currentLine = lineNumber
    }
    if let open = current { result.append((open, currentLine)) }
    return result
  }

  private static func isQuotedPrintable(_ line: String) -> Bool {
    guard let colon = line.firstIndex(of: ":") else { return false }
    return line[..<colon].uppercased().contains("QUOTED-PRINTABLE")
  }

  /// Splits a logical line into name, parameters and value, or returns nil without a colon.
  static func parse(_ text: String, line: Int) -> ContentLine? {
    var inQuotes = false
    var colon: String.Index?
    for index in text.indices {
      let character = text[index]
      if character == "\"" { inQuotes.toggle() }
      if character == ":" && !inQuotes {
        colon = index
        break
      }
    }
    guard let colon else { return nil }

    let head = splitUnquoted(text[..<colon], separator: ";")
    guard let qualifiedName = head.first, !qualifiedName.isEmpty else { return nil }
    let name = qualifiedName.split(separator: ".").last.map(String.init)?.uppercased() ?? ""

    var parameters: [String: [String]] = [:]
    for parameter in head.dropFirst() where !parameter.isEmpty {
      if let equals = parameter.firstIndex(of: "=") {
        let key = parameter[..<equals].trimmingWhitespace().uppercased()
        let values = splitUnquoted(parameter[parameter.index(after: equals)...], separator: ",")
          .map(decodeParameterValue)
        // TYPE="home,internet" (RFC 6350) lists several types inside one quoted value.
        let split = key == "TYPE" ? values.flatMap { $0.split(separator: ",").map(String.init) } : values
        parameters[key, default: []].append(contentsOf: split)
      } else if parameter.uppercased() == "QUOTED-PRINTABLE" || parameter.uppercased() == "BASE64" {
        parameters["ENCODING", default: []].append(parameter)
      } else {
        parameters["TYPE", default: []].append(parameter)
      }
    }
    return ContentLine(
      name: name, parameters: parameters, value: String(text[text.index(after: colon)...]),
      line: line)
  }

  /// Splits at `separator` outside double quotes.
  private static func splitUnquoted(_ text: Substring, separator: Character) -> [String] {
    var parts: [String] = []
    var current = ""
    var inQuotes = false
    for character in text {
      if character == "\"" { inQuotes.toggle() }
      if character == separator && !inQuotes {
        parts.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    parts.append(current)
    return parts
  }

  /// Removes surrounding quotes and undoes RFC 6868 caret escapes (^n, ^', ^^).
  private static func decodeParameterValue(_ raw: String) -> String {
    var text = raw.trimmingWhitespace()
    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
      text = String(text.dropFirst().dropLast())
    }
    guard text.contains("^") else { return text }
    var result = ""
    var iterator = text.makeIterator()
    while let character = iterator.next() {
      guard character == "^" else {
        result.append(character)
        continue
      }
      switch iterator.next() {
      case "n": result.append("\n")
      case "'": result.append("\"")
      case "^": result.append("^")
      case let other?: result.append("^"); result.append(other)
      case nil: result.append("^")
      }
    }
    return result
  }
}
