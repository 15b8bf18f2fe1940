import Foundation

/// Summarizes an iCalendar (RFC 5545) invitation for the message pane.
enum CalendarSummary {
  /// Returns lines with the method, summary, start, end, location and organizer of the
  /// first event, or nil when the text has no VEVENT.
  static func summary(ofCalendar text: String) -> String? {
    let lines = unfold(text)
    var method: String?
    var fields: [String: (parameters: [String: String], value: String)] = [:]
    var isInEvent = false
    var hasEvent = false

    for line in lines {
      guard let property = Property(line) else { continue }
      switch (property.name, property.value.uppercased()) {
      case ("BEGIN", "VEVENT") where !hasEvent:
        isInEvent = true
        hasEvent = true
      case ("END", "VEVENT"):
        isInEvent = false
      case ("METHOD", _):
        method = property.value
      default:
        if isInEvent && fields[property.name] == nil {
          fields[property.name] = (property.parameters, property.value)
        }
      }
    }
    guard hasEvent else { return nil }

    var output = ["Calendar invitation" + (method.map { " (\($0.uppercased()))" } ?? "")]
    if let summary = fields["SUMMARY"] { output.append("Summary: " + unescape(summary.value)) }
    if let start = fields["DTSTART"] { output.append("Start: " + formatTime(start.value, start.parameters)) }
    if let end = fields["DTEND"] { output.append("End: " + formatTime(end.value, end.parameters)) }
    if let location = fields["LOCATION"], !location.value.isEmpty {
      output.append("Location: " + unescape(location.value))
    }
    if let organizer = fields["ORGANIZER"] {
      output.append("Organizer: " + formatPerson(organizer.value, organizer.parameters))
    }
    return output.joined(separator: "\n")
  }

  /// One content line: a name, parameters and a value, all upper-cased except the value.
  private struct Property {
    var name: String
    var parameters: [String: String] = [:]
    var value: String

    init?(_ line: String) {
      // The value starts at the first colon outside a quoted parameter value.
      var isQuoted = false
      var colon: String.Index?
      for index in line.indices {
        if line[index] == "\"" { isQuoted.toggle() }
        if line[index] == ":" && !isQuoted {
          colon = index
          break
        }
      }
      guard let colon else { return nil }
      value = String(line[line.index(after: colon)...])
      let head = line[..<colon].split(separator: ";")
      guard let first = head.first else { return nil }
      name = first.uppercased()
      for parameter in head.dropFirst() {
        let pair = parameter.split(separator: "=", maxSplits: 1)
        guard pair.count == 2 else { continue }
        parameters[pair[0].uppercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
  }

  /// Joins folded lines: a line starting with a space or tab continues the previous one.
  private static func unfold(_ text: String) -> [String] {
    var lines: [String] = []
    for raw in LineEnds.crlfToLF(text).split(separator: "\n") {
      if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
        lines[lines.count - 1] += raw.dropFirst()
      } else {
        lines.append(String(raw))
      }
    }
    return lines
  }

  private static func unescape(_ value: String) -> String {
    var result = ""
    var isEscaped = false
    for character in value {
      if isEscaped {
        result.append(character == "n" || character == "N" ? "\n" : character)
        isEscaped = false
      } else if character == "\\" {
        isEscaped = true
      } else {
        result.append(character)
      }
    }
    return result
  }

  /// Formats "20240102T150000Z" as "2024-01-02 15:00 UTC", a local time with its TZID, and a
  /// date-only value as "2024-01-02". Other values are shown unchanged.
  private static func formatTime(_ value: String, _ parameters: [String: String]) -> String {
    let digits = Array(value)
    guard digits.count >= 8, digits.prefix(8).allSatisfy(\.isNumber) else { return value }
    let date = "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
    guard digits.count >= 13, digits[8] == "T" else { return date }
    var result = "\(date) \(String(digits[9..<11])):\(String(digits[11..<13]))"
    if value.hasSuffix("Z") {
      result += " UTC"
    } else if let zone = parameters["TZID"] {
      result += " (\(zone))"
    }
    return result
  }

  private static func formatPerson(_ value: String, _ parameters: [String: String]) -> String {
    var address = value
    if address.lowercased().hasPrefix("mailto:") { address.removeFirst("mailto:".count) }
    guard let name = parameters["CN"], !name.isEmpty else { return address }
    return address.isEmpty ? name : "\(name) <\(address)>"
  }
}
