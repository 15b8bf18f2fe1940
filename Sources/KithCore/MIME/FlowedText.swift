import Foundation

/// Undoes the soft line breaks of format=flowed text (RFC 3676).
///
/// The work is on UTF-8 bytes, but lines, quote markers and spaces keep the meaning they
/// have as Swift characters. An LF after a CR is no line break, because CR LF is one
/// character. A ">" or space that a combining mark extends is not a marker.
enum FlowedText {
  private static let lineFeed = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")
  private static let space = UInt8(ascii: " ")
  private static let quoteMarker = UInt8(ascii: ">")
  private static let signatureSeparator: [UInt8] = Array("-- ".utf8)

  /// Joins each line that ends in a space with the next line of the same quote depth and
  /// removes space-stuffing. With `deletesSpace` (delsp=yes) the space before a soft break
  /// is removed too. The signature separator "-- " is never joined.
  static func unwrap(_ text: String, deletesSpace: Bool) -> String {
    var text = text
    let output = text.withUTF8 { unwrap(UnsafeRawBufferPointer($0), deletesSpace: deletesSpace) }
    return String(decoding: output, as: UTF8.self)
  }

  private static func unwrap(_ bytes: UnsafeRawBufferPointer, deletesSpace: Bool) -> [UInt8] {
    var output: [UInt8] = []
    // Each line may gain one byte: the space after a quote that had no stuffing space.
    output.reserveCapacity(bytes.count + bytes.count / 16 + 16)
    var lineCount = 0
    var isParagraphOpen = false
    var paragraphDepth = 0
    var lineStart = 0

    while true {
      let lineEnd = endOfLine(bytes, from: lineStart)
      var start = lineStart
      var depth = 0
      while start < lineEnd, bytes[start] == quoteMarker, isWholeCharacter(bytes, at: start, lineEnd: lineEnd) {
        depth += 1
        start += 1
      }
      if start < lineEnd, bytes[start] == space, isWholeCharacter(bytes, at: start, lineEnd: lineEnd) {
        start += 1
      }
      let line = UnsafeRawBufferPointer(rebasing: bytes[start..<lineEnd])
      let isSoft = endsInSpace(line) && !line.elementsEqual(signatureSeparator)

      if isParagraphOpen && depth != paragraphDepth { isParagraphOpen = false }
      if !isParagraphOpen {
        if lineCount > 0 { output.append(lineFeed) }
        lineCount += 1
        if depth > 0 {
          output.append(contentsOf: repeatElement(quoteMarker, count: depth))
          output.append(space)
        }
      }
      output.append(contentsOf: isSoft && deletesSpace ? UnsafeRawBufferPointer(rebasing: line.dropLast()) : line)
      isParagraphOpen = isSoft
      paragraphDepth = depth

      guard lineEnd < bytes.count else { break }
      lineStart = lineEnd + 1
    }
    return output
  }

  /// Returns the index of the LF that ends the line starting at `start`, or the end of the
  /// bytes. An LF right after a CR does not end a line.
  private static func endOfLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    guard let base = bytes.baseAddress else { return bytes.count }
    var index = start
    // memchr, because a profile of a first sync found about a sixth of the parse time in
    // this function when it compared byte by byte.
    while index < bytes.count, let found = memchr(base + index, Int32(lineFeed), bytes.count - index) {
      let position = base.distance(to: UnsafeRawPointer(found))
      if position == 0 || bytes[position - 1] != carriageReturn { return position }
      index = position + 1
    }
    return bytes.count
  }

  /// Returns whether the ASCII byte at `index` is a character on its own, that is, no
  /// combining mark or other extender follows it within the line.
  private static func isWholeCharacter(_ bytes: UnsafeRawBufferPointer, at index: Int, lineEnd: Int) -> Bool {
    guard index + 1 < lineEnd, bytes[index + 1] >= 0x80 else { return true }
    let rest = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<lineEnd]), as: UTF8.self)
    return rest.first?.unicodeScalars.count == 1
  }

  /// Returns whether the line's last character is a space. A space after a non-ASCII
  /// scalar can belong to that scalar's character (a prepended concatenation mark).
  private static func endsInSpace(_ line: UnsafeRawBufferPointer) -> Bool {
    guard let last = line.last, last == space else { return false }
    guard line.count >= 2, line[line.count - 2] >= 0x80 else { return true }
    return String(decoding: line, as: UTF8.self).last == " "
  }
}
