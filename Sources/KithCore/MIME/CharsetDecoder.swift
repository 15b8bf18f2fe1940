import CGMime
import Foundation

/// Decodes body text in a declared charset to a Swift string, correcting common mislabels.
enum CharsetDecoder {
  /// A decoded text and, when decoding had to guess or replace bytes, a note for the reader.
  struct Result {
    var text: String
    var note: String?
  }

  /// Returns the charset that an HTML document declares in a `meta` element within its first
  /// 2048 bytes, or nil.
  static func charsetDeclaredInHTML(_ bytes: Data) -> String? {
    bytes.withUnsafeBytes { charsetDeclaredInHTML($0) }
  }

  /// Returns the charset that an HTML document declares in a `meta` element within its first
  /// 2048 bytes, or nil.
  static func charsetDeclaredInHTML(_ bytes: UnsafeRawBufferPointer) -> String? {
    let head = String(decoding: UnsafeRawBufferPointer(rebasing: bytes.prefix(2048)), as: UTF8.self)
      .lowercased()
    guard let range = head.range(of: "charset=") else { return nil }
    let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_:.")
    let value = head[range.upperBound...].drop(while: { $0 == "\"" || $0 == "'" || $0 == " " })
      .prefix(while: { allowed.contains($0) })
    return value.isEmpty ? nil : String(value)
  }

  /// Decodes `bytes` that a part declares to be in `charset` (nil when it declares none).
  ///
  /// ASCII-only text is returned as is. Undeclared or US-ASCII text with 8-bit bytes is read
  /// as UTF-8 when valid, else as windows-1252. ISO-8859-1 is read as windows-1252, its
  /// superset, because mail clients label windows-1252 text that way. An unknown charset
  /// falls back the same way as a missing one. Bytes that cannot be converted become U+FFFD.
  static func decode(_ bytes: Data, charset: String?) -> Result {
    bytes.withUnsafeBytes { decode($0, charset: charset) }
  }

  /// Decodes `bytes` as `decode(_:charset:)` does, without copying them first.
  static func decode(_ bytes: UnsafeRawBufferPointer, charset: String?) -> Result {
    // ISO-2022 charsets are 7-bit and switch character sets with ESC sequences, and UTF-16
    // has NUL bytes, so only plain ASCII without either may skip conversion.
    if isPlainASCII(bytes) && !isSevenBitEncoding(charset) {
      return Result(text: String(decoding: bytes, as: UTF8.self))
    }
    let name = charset?.trimmingWhitespace().lowercased() ?? ""

    switch name {
    case "", "us-ascii", "ascii", "ansi_x3.4-1968", "7bit", "8bit":
      return decodeGuessing(bytes, declared: charset)
    case "utf-8", "utf8":
      return decodeUTF8(bytes)
    case "iso-8859-1", "iso8859-1", "latin1", "iso_8859-1", "l1":
      return convert(bytes, from: "windows-1252", declared: name) ?? decodeGuessing(bytes, declared: charset)
    default:
      let source = supersets[name] ?? name
      if var result = convert(bytes, from: source, declared: name)
        ?? (name.hasPrefix("x-") ? convert(bytes, from: String(name.dropFirst(2)), declared: name) : nil)
      {
        if result.note != nil, let repaired = undoDoubleEncoding(bytes, charset: source, declared: name) {
          result = repaired
        }
        return result
      }
      var result = decodeGuessing(bytes, declared: nil)
      result.note = "Unknown charset \"\(name)\"; the text was read as \(guessedCharset(bytes))."
      return result
    }
  }

  /// Charsets that senders use for text in a larger charset, mapped to that superset, as
  /// web browsers do (WHATWG Encoding Standard). Also maps Hebrew's "-i" (logical order)
  /// label, which iconv does not know, to the same characters.
  private static let supersets: [String: String] = [
    "gb2312": "GB18030", "gbk": "GB18030", "x-gbk": "GB18030", "euc-cn": "GB18030",
    "gb_2312-80": "GB18030", "cn-gb": "GB18030",
    "big5": "BIG5-HKSCS", "x-x-big5": "BIG5-HKSCS",
    "shift_jis": "CP932", "shift-jis": "CP932", "sjis": "CP932", "x-sjis": "CP932",
    "euc-kr": "CP949", "ks_c_5601-1987": "CP949", "ks_c_5601": "CP949", "ksc5601": "CP949",
    "iso-8859-9": "CP1254", "tis-620": "CP874", "iso-8859-11": "CP874",
    "x-mac-cyrillic": "MAC-CYRILLIC", "x-mac-roman": "MACINTOSH", "x-mac-ce": "MAC-CENTRALEUROPE",
    "iso-8859-8-i": "ISO-8859-8", "iso-8859-8-e": "ISO-8859-8", "iso-8859-6-i": "ISO-8859-6",
  ]

  /// Returns whether every byte is ASCII, and none is ESC or NUL.
  private static func isPlainASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    let count = bytes.count
    var index = 0
    // Checks eight bytes at a time, then the rest one by one.
    if let base = bytes.baseAddress {
      let escapes: UInt64 = 0x1B1B_1B1B_1B1B_1B1B
      while index + 8 <= count {
        let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 || hasZeroByte(word) || hasZeroByte(word ^ escapes) {
          return false
        }
        index += 8
      }
    }
    while index < count {
      let byte = bytes[index]
      if byte >= 0x80 || byte == 0x1B || byte == 0 { return false }
      index += 1
    }
    return true
  }

  /// Returns whether any of the eight bytes in `word` is zero. The borrow of a subtraction
  /// reaches a byte's high bit only through a zero byte, and `~word` masks out bytes whose
  /// own high bit was set.
  private static func hasZeroByte(_ word: UInt64) -> Bool {
    (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
  }

  /// Returns whether ASCII-only bytes in the charset may still encode other characters.
  private static func isSevenBitEncoding(_ charset: String?) -> Bool {
    guard let name = charset?.lowercased() else { return false }
    return name.hasPrefix("utf-7") || name.hasPrefix("hz")
  }

  /// Returns another reading of `bytes`, which are invalid in `charset`, or nil when they are
  /// not valid UTF-8 either. Some mail gateways read text in `charset` as ISO-8859-1 and
  /// encode it again as UTF-8. Such bytes give the text in `charset`, and other UTF-8 bytes
  /// give the UTF-8 text.
  private static func undoDoubleEncoding(
    _ bytes: UnsafeRawBufferPointer, charset: String, declared: String
  ) -> Result? {
    guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
    if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) {
      let original = text.unicodeScalars.map { UInt8($0.value) }
      let converted = original.withUnsafeBytes { convert($0, from: charset, declared: charset) }
      if var result = converted, result.note == nil {
        result.note = "The text was encoded twice (\(declared) read as ISO-8859-1, then UTF-8); the second encoding was removed."
        return result
      }
    }
    return Result(text: text, note: "The text is valid UTF-8 although \"\(declared)\" is declared; it was read as UTF-8.")
  }

  private static func decodeUTF8(_ bytes: UnsafeRawBufferPointer) -> Result {
    if let text = String(validating: bytes, as: UTF8.self) { return Result(text: text) }
    return Result(
      text: String(decoding: bytes, as: UTF8.self),
      note: "The text is not valid UTF-8; invalid bytes are shown as \u{FFFD}.")
  }

  private static func guessedCharset(_ bytes: UnsafeRawBufferPointer) -> String {
    String(validating: bytes, as: UTF8.self) != nil ? "UTF-8" : "windows-1252"
  }

  private static func decodeGuessing(_ bytes: UnsafeRawBufferPointer, declared: String?) -> Result {
    if let text = String(validating: bytes, as: UTF8.self) { return Result(text: text) }
    if var result = convert(bytes, from: "windows-1252", declared: "windows-1252") {
      let label = declared.map { "declared as \"\($0)\"" } ?? "without a declared charset"
      result.note = result.note ?? "8-bit text \(label) was read as windows-1252."
      return result
    }
    return decodeUTF8(bytes)
  }

  /// Converts with iconv; returns nil when iconv does not know the charset.
  private static func convert(_ bytes: UnsafeRawBufferPointer, from charset: String, declared: String) -> Result? {
    GMimeRuntime.ensureInitialized()
    var outLength = 0
    var invalidCount = 0
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return Result(text: "") }
    let output = kith_gmime_convert_to_utf8(
      charset, base.assumingMemoryBound(to: CChar.self), bytes.count, &outLength, &invalidCount)
    guard let output else { return nil }
    defer { g_free(output) }
    let text = String(decoding: UnsafeRawBufferPointer(start: output, count: outLength), as: UTF8.self)
    var result = Result(text: text)
    if invalidCount > 0 {
      result.note = "\(invalidCount) bytes invalid in charset \"\(declared)\" are shown as \u{FFFD}."
    }
    return result
  }
}
