import Foundation

/// Interprets the text of a bracketed response code.
enum IMAPResponseCodeDecoder {
  static func decode(name: String, arguments: String) -> IMAPResponseCode {
    let words = arguments.split(separator: " ").map(String.init)
    switch name {
    case "UIDVALIDITY":
      if let value = words.first.flatMap({ UInt32($0) }) { return .uidValidity(value) }
    case "UIDNEXT":
      if let value = words.first.flatMap({ UInt32($0) }) { return .uidNext(value) }
    case "HIGHESTMODSEQ":
      if let value = words.first.flatMap({ UInt64($0) }) { return .highestModSeq(value) }
    case "UNSEEN":
      if let value = words.first.flatMap({ UInt32($0) }) { return .unseen(value) }
    case "NOMODSEQ": return .noModSeq
    case "READ-ONLY": return .readOnly
    case "READ-WRITE": return .readWrite
    case "ALERT": return .alert
    case "TRYCREATE": return .tryCreate
    case "CLOSED": return .closed
    case "CAPABILITY": return .capability(words)
    case "PERMANENTFLAGS":
      let inner = arguments.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
      return .permanentFlags(inner.split(separator: " ").map(String.init))
    case "APPENDUID":
      if words.count == 2, let validity = UInt32(words[0]), let uid = UInt32(words[1]) {
        return .appendUID(uidValidity: validity, uid: uid)
      }
    case "COPYUID":
      if words.count == 3, let validity = UInt32(words[0]) {
        return .copyUID(uidValidity: validity, source: words[1], destination: words[2])
      }
    default:
      break
    }
    return .other(name: name, arguments: arguments.isEmpty ? nil : arguments)
  }
}

/// Parses sequence sets such as `1:4,7,9:*` (RFC 3501, section 9, `sequence-set`).
enum IMAPSequenceSetParser {
  /// The maximum count of comma-separated parts accepted, to bound work on hostile input.
  static let maximumParts = 1_000_000

  static func parse(_ text: String) -> IMAPSequenceSet? {
    var ranges: [ClosedRange<UInt32>] = []
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    guard !parts.isEmpty, parts.count <= maximumParts else { return nil }
    for part in parts {
      let bounds = part.split(separator: ":", omittingEmptySubsequences: false)
      guard bounds.count == 1 || bounds.count == 2 else { return nil }
      guard let first = number(bounds[0]), let last = number(bounds[bounds.count - 1]) else {
        return nil
      }
      ranges.append(min(first, last)...max(first, last))
    }
    return IMAPSequenceSet(ranges: ranges)
  }

  private static func number(_ text: Substring) -> UInt32? {
    text == "*" ? UInt32.max : UInt32(text)
  }
}

/// Parses IMAP's `date-time` (RFC 3501, section 9), as in `17-Jul-1996 02:44:25 -0700`.
public enum IMAPDate {
  private static let months = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
  ]

  /// Parses a `date-time`; the day may be padded with a space. Returns nil when invalid.
  public static func parse(_ text: String) -> Date? {
    let fields = text.trimmingWhitespace().split(separator: " ")
    guard fields.count == 3 else { return nil }

    let dayMonthYear = fields[0].split(separator: "-")
    let time = fields[1].split(separator: ":")
    let zone = fields[2]
    guard dayMonthYear.count == 3, time.count == 3, zone.count == 5,
      let day = Int(dayMonthYear[0]), (1...31).contains(day),
      let monthIndex = months.firstIndex(of: dayMonthYear[1].uppercased()),
      let year = Int(dayMonthYear[2]), (1...9999).contains(year),
      let hour = Int(time[0]), (0...23).contains(hour),
      let minute = Int(time[1]), (0...59).contains(minute),
      let second = Int(time[2]), (0...60).contains(second),
      let zoneNumber = Int(zone.dropFirst()), zone.first == "+" || zone.first == "-"
    else { return nil }

    let zoneSeconds = (zoneNumber / 100 * 3600 + zoneNumber % 100 * 60) * (zone.first == "-" ? -1 : 1)
    let days = daysSinceEpoch(year: year, month: monthIndex + 1, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - zoneSeconds
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  /// Converts a proleptic Gregorian date to days since 1970-01-01, without a Calendar
  /// (Howard Hinnant's `days_from_civil` algorithm).
  static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
