/// Rewrites Date header forms that GMime 3.2.13 misreads into forms it reads correctly.
///
/// Measured on the test corpus: GMime reads "00:01+0000" as midnight, ignores the sign of
/// a three-digit zone such as "-600", and ignores "PM" in "06:09:22 PM EDT".
enum DateHeaderRepair {
  /// Returns the value with those forms rewritten, or the value unchanged when it has none.
  static func repair(_ value: String) -> String {
    guard mayNeedRepair(value) else { return value }
    var tokens = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
      .map(String.init)
    var isChanged = false

    var index = 0
    while index < tokens.count {
      let token = tokens[index]
      if let (time, zone) = splitGluedZone(token) {
        tokens[index] = time
        tokens.insert(zone, at: index + 1)
        isChanged = true
      } else if isShortZone(token) {
        tokens[index] = String(token.first!) + "0" + token.dropFirst()
        isChanged = true
      } else if index > 0, let hourShift = twelveHourShift(token, time: tokens[index - 1]) {
        tokens[index - 1] = hourShift
        tokens.remove(at: index)
        isChanged = true
        continue
      }
      index += 1
    }
    return isChanged ? tokens.joined(separator: " ") : value
  }

  /// Returns false when `value` certainly has none of the forms that `repair` rewrites. It
  /// reads ASCII values without CR byte by byte, where bytes and characters are the same,
  /// and returns true for every other value so that the token rules decide.
  private static func mayNeedRepair(_ value: String) -> Bool {
    let bytes = Array(value.utf8)
    guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return true }
    let isSeparator: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A }
    var tokenStart = 0
    while tokenStart < bytes.count {
      var tokenEnd = tokenStart
      while tokenEnd < bytes.count && !isSeparator(bytes[tokenEnd]) { tokenEnd += 1 }
      if tokenEnd > tokenStart && tokenMayNeedRepair(bytes[tokenStart..<tokenEnd]) { return true }
      tokenStart = tokenEnd + 1
    }
    return false
  }

  /// Returns whether an ASCII token is "am" or "pm", is a sign and three digits, or has a
  /// sign after its first byte (a zone glued to a time).
  private static func tokenMayNeedRepair(_ token: ArraySlice<UInt8>) -> Bool {
    let isSign: (UInt8) -> Bool = { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
    if token.dropFirst().contains(where: isSign) { return true }
    if isSign(token.first!) {
      let digits = token.dropFirst()
      return digits.count == 3 && digits.allSatisfy { (0x30...0x39).contains($0) }
    }
    guard token.count == 2 else { return false }
    let first = token.first! | 0x20
    let second = token.last! | 0x20
    return (first == UInt8(ascii: "a") || first == UInt8(ascii: "p")) && second == UInt8(ascii: "m")
  }

  /// Splits "00:01+0000" into "00:01" and "+0000".
  private static func splitGluedZone(_ token: String) -> (String, String)? {
    guard token.contains(":"), let sign = token.lastIndex(where: { $0 == "+" || $0 == "-" }),
      sign > token.startIndex
    else { return nil }
    let time = token[..<sign]
    let zone = token[token.index(after: sign)...]
    guard time.last?.isNumber == true, zone.count == 4, zone.allSatisfy(\.isASCIIDigit) else { return nil }
    return (String(time), String(token[sign...]))
  }

  /// Returns whether the token is a numeric zone with three digits, such as "-600".
  private static func isShortZone(_ token: String) -> Bool {
    guard let first = token.first, first == "+" || first == "-" else { return false }
    let digits = token.dropFirst()
    return digits.count == 3 && digits.allSatisfy(\.isASCIIDigit)
  }

  /// Returns `time` in 24-hour form when `token` is "AM" or "PM" and `time` is "h:mm[:ss]".
  private static func twelveHourShift(_ token: String, time: String) -> String? {
    let marker = token.lowercased()
    guard marker == "am" || marker == "pm" else { return nil }
    var parts = time.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
      var hour = Int(parts[0]), hour <= 12
    else { return nil }
    if marker == "pm" && hour < 12 { hour += 12 }
    if marker == "am" && hour == 12 { hour = 0 }
    parts[0] = hour < 10 ? "0\(hour)" : "\(hour)"
    return parts.joined(separator: ":")
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
