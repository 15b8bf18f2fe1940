import CGMime

/// The decoded size of a MIME part's content, for the attachment list.
enum PartSize {
  /// Returns how many bytes decoding `part`'s content yields.
  ///
  /// Base64 content made of symbols, line breaks, spaces and tabs, with at most two `=` at
  /// its end, is sized by counting its symbols. In A/B runs of a 10,000-message first sync,
  /// counting used about 0.4 s less CPU than decoding. Any other content is decoded and counted,
  /// because then the decoder's handling of the input decides the size (`=` in the middle,
  /// for one, makes it stop).
  static func decoded(_ part: UnsafeMutablePointer<GMimePart>) -> Int {
    countedBase64Size(part) ?? kith_gmime_part_decoded_size(part)
  }

  /// Returns the decoded size of well-formed base64 content as described at `decoded`, or
  /// nil for content that is not base64 or not well-formed.
  static func countedBase64Size(_ part: UnsafeMutablePointer<GMimePart>) -> Int? {
    guard let content = g_mime_part_get_content(part),
      g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64,
      let stream = g_mime_data_wrapper_get_stream(content)
    else { return nil }

    // Decoding later starts from the stream's beginning too, so both resets keep it usable.
    guard g_mime_stream_reset(stream) == 0 else { return nil }
    defer { g_mime_stream_reset(stream) }

    var counter = Base64SymbolCounter()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { g_mime_stream_read(stream, $0.baseAddress, $0.count) }
      if count < 0 { return nil }
      if count == 0 { break }
      let isWellFormed = buffer.withUnsafeBufferPointer {
        counter.add(UnsafeBufferPointer(rebasing: $0[..<count]))
      }
      guard isWellFormed else { return nil }
    }
    return counter.decodedSize
  }
}

/// Running counts of base64 symbols and `=` over chunks of content.
struct Base64SymbolCounter {
  private(set) var symbols = 0
  private(set) var padding = 0

  private static let symbol: UInt8 = 1
  private static let equals: UInt8 = 2
  private static let space: UInt8 = 4
  private static let other: UInt8 = 8

  /// The class of each byte value. A table read without branches, because this loop reads
  /// every byte of every attachment: a loop of comparisons measured about 2.5 times slower.
  private static let classes: UnsafeMutablePointer<UInt8> = {
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for value in 0..<256 {
      let byte = UInt8(value)
      let isLetter = (byte | 0x20) &- UInt8(ascii: "a") < 26
      let isDigit = byte &- UInt8(ascii: "0") < 10
      if isLetter || isDigit || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") {
        table[value] = symbol
      } else if byte == UInt8(ascii: "=") {
        table[value] = equals
      } else if byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 {
        table[value] = space
      } else {
        table[value] = other
      }
    }
    return table
  }()

  /// Adds `bytes` and returns whether they are still well-formed. A byte other than a base64
  /// symbol, `=`, a line break, a space or a tab makes them invalid, and so does a symbol
  /// after `=`.
  mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let classes = Self.classes
    var found: UInt8 = 0
    var count = 0
    for byte in bytes {
      let kind = classes[Int(byte)]
      found |= kind
      count &+= Int(kind & Self.symbol)
    }
    if found & Self.other != 0 { return false }
    if found & Self.equals == 0 && padding == 0 {
      symbols += count
      return true
    }
    // `=` in this chunk or an earlier one: only spaces and more `=` may follow it.
    for byte in bytes {
      switch classes[Int(byte)] {
      case Self.symbol:
        if padding > 0 { return false }
        symbols += 1
      case Self.equals:
        padding += 1
      default:
        continue
      }
    }
    return true
  }

  /// The decoded size, or nil when the padding or the symbol count is not valid base64.
  var decodedSize: Int? {
    guard padding <= 2, (symbols + padding) % 4 == 0 else { return nil }
    return symbols / 4 * 3 + [0, 0, 1, 2][symbols % 4]
  }
}
