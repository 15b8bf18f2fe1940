import Foundation

/// Fixes framing faults in raw messages that make GMime lose the header or the body.
enum RawMessageRepair {
  /// Returns the data without leading blank lines and without an mbox "From " line, which
  /// make GMime find no header at all.
  static func withoutLeadingJunk(_ raw: Data) -> Data {
    var start = raw.startIndex
    while start < raw.endIndex {
      guard let lineEnd = raw[start...].firstIndex(of: 0x0A) else { break }
      let line = raw[start..<lineEnd]
      let isBlank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
      let isMboxSeparator = line.starts(with: Array("From ".utf8))
      guard isBlank || isMboxSeparator else { break }
      start = raw.index(after: lineEnd)
    }
    return raw[start...]
  }

  /// Returns the data with the header's end moved to a line of only spaces or tabs when the
  /// line after it is neither a header field nor a folded continuation. Some mailers end the
  /// header with such a line, and GMime would read the body as more header fields.
  static func endingHeadersAtBlankLine(_ raw: Data) -> Data {
    var lineStart = raw.startIndex
    while lineStart < raw.endIndex {
      guard let lineEnd = raw[lineStart...].firstIndex(of: 0x0A) else { return raw }
      let line = raw[lineStart..<lineEnd]
      let content = line.last == 0x0D ? line.dropLast() : line
      if content.isEmpty { return raw }
      let nextStart = raw.index(after: lineEnd)
      if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && !startsHeaderOrContinuation(raw[nextStart...]) {
        var repaired = Data(raw[raw.startIndex..<lineStart])
        repaired.append(contentsOf: line.last == 0x0D ? [0x0D, 0x0A] : [0x0A])
        repaired.append(raw[nextStart...])
        return repaired
      }
      lineStart = nextStart
    }
    return raw
  }

  /// Returns whether the bytes start with white space (a folded line) or a field name and a colon.
  private static func startsHeaderOrContinuation(_ bytes: Data) -> Bool {
    guard let first = bytes.first else { return true }
    if first == 0x20 || first == 0x09 { return true }
    for byte in bytes.prefix(80) {
      if byte == UInt8(ascii: ":") { return true }
      // Field names are printable ASCII without spaces (RFC 5322, section 2.2).
      if byte <= 0x20 || byte >= 0x7F { return false }
    }
    return false
  }
}
