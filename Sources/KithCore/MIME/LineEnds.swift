import Foundation

/// Line-end conversion on the UTF-8 bytes of a string, without Foundation's NSString bridge.
enum LineEnds {
  private static let carriageReturn = UInt8(ascii: "\r")
  private static let lineFeed = UInt8(ascii: "\n")

  /// Returns `text` with each CR LF pair replaced by LF, in one left-to-right pass, as
  /// `replacingOccurrences(of: "\r\n", with: "\n")` does: "\r\r\n" becomes "\r\n", and a CR
  /// that no LF follows stays.
  ///
  /// - Complexity: O(n) in the UTF-8 length, and no copy when the text has no CR.
  static func crlfToLF(_ text: String) -> String {
    var text = text
    return text.withUTF8 { bytes in
      guard bytes.contains(carriageReturn) else { return nil }
      return crlfToLF(UnsafeRawBufferPointer(bytes))
    } ?? text
  }

  /// Returns the UTF-8 bytes as a string with each CR LF pair replaced by LF. Invalid UTF-8
  /// becomes U+FFFD, as with `String(decoding:as:)`.
  static func crlfToLF(_ bytes: UnsafeRawBufferPointer) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { output in
      guard let source = bytes.baseAddress, let target = output.baseAddress else { return 0 }
      let count = bytes.count
      var written = 0
      var index = 0
      // Copies the runs between CRs with memcpy, and drops each CR that an LF follows.
      while index < count {
        let found = memchr(source + index, Int32(carriageReturn), count - index)
        let runEnd = found.map { source.distance(to: UnsafeRawPointer($0)) } ?? count
        memcpy(target + written, source + index, runEnd - index)
        written += runEnd - index
        index = runEnd
        guard index < count else { break }
        if index + 1 >= count || bytes[index + 1] != lineFeed {
          target[written] = carriageReturn
          written += 1
        }
        index += 1
      }
      return written
    }
  }
}
