import CGMime

/// The decoded size of a MIME part's content, for the attachment list.
enum PartSize {
  /// Returns how many bytes decoding `part`'s content yields.
  ///
  /// Well-formed base64 content is sized by counting its characters instead of decoding it:
  /// a profile of a 10,000-message first sync spent about 5 % of all CPU time in GMime's
  /// base64 decoder only to learn attachment sizes. Other content, and base64 with stray
  /// characters or padding in the middle, is decoded and counted, because then GMime's
  /// handling of the input decides the size.
  static func decoded(_ part: UnsafeMutablePointer<GMimePart>) -> Int {
    countedBase64Size(part) ?? kith_gmime_part_decoded_size(part)
  }

  /// Content up to this many bytes is counted in full. Larger content with lines of one
  /// length is sized from its length, its first line and its last line.
  static let fullCountLimit = 64 * 1024

  /// Returns the decoded size of base64 content that holds only base64 characters, line
  /// breaks, spaces and tabs, with at most two `=` at its end and a multiple of four
  /// characters in all, or nil for any other content.
  ///
  /// Content larger than `fullCountLimit` whose first and last lines show lines of one
  /// length is sized from its byte length without reading the middle.
  // NOTE: such content with stray bytes in the middle gets a size that is off by about the
  // number of those bytes, because only its first and last lines are read.
  static func countedBase64Size(_ part: UnsafeMutablePointer<GMimePart>) -> Int? {
    guard let content = g_mime_part_get_content(part),
      g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64,
      let stream = g_mime_data_wrapper_get_stream(content)
    else { return nil }

    // Decoding later starts from the stream's beginning too, so both resets keep it usable.
    guard g_mime_stream_reset(stream) == 0 else { return nil }
    defer { g_mime_stream_reset(stream) }

    let length = Int(g_mime_stream_length(stream))
    if length > fullCountLimit, let size = sizeOfRegularLines(stream, length: length) {
      return size
    }
    g_mime_stream_reset(stream)
    var counter = SymbolCounter()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { g_mime_stream_read(stream, $0.baseAddress, $0.count) }
      if count < 0 { return nil }
      if count == 0 { break }
      guard counter.add(buffer, count: count) else { return nil }
    }
    return counter.decodedSize
  }

  /// Returns the decoded size of `length` bytes of base64 whose first line sets the length
  /// of every line but the last, checked against the last line, or nil when the first or
  /// last line does not fit that pattern.
  private static func sizeOfRegularLines(_ stream: UnsafeMutablePointer<GMimeStream>, length: Int) -> Int? {
    let start = g_mime_stream_tell(stream)
    let probe = 4096
    guard let head = read(stream, count: probe), head.count == probe,
      let firstBreak = head.firstIndex(of: UInt8(ascii: "\n"))
    else { return nil }
    let breakWidth = firstBreak > 0 && head[firstBreak - 1] == UInt8(ascii: "\r") ? 2 : 1
    let lineWidth = firstBreak + 1 - breakWidth
    guard lineWidth > 0, lineWidth % 4 == 0 else { return nil }
    var headCounter = SymbolCounter()
    guard headCounter.add(Array(head[..<(firstBreak + 1)]), count: firstBreak + 1),
      headCounter.symbols == lineWidth
    else { return nil }

    guard g_mime_stream_seek(stream, start + (length - probe), GMIME_STREAM_SEEK_SET) >= 0,
      let tail = read(stream, count: probe), tail.count == probe
    else { return nil }
    // The content without the line breaks and spaces after its last symbol or `=`.
    let isSpace: (UInt8) -> Bool = { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09 }
    guard let lastByte = tail.lastIndex(where: { !isSpace($0) }) else { return nil }
    let trimmedLength = length - (probe - 1 - lastByte)
    let fullLines = (trimmedLength - 1) / (lineWidth + breakWidth)
    let lastLineWidth = trimmedLength - fullLines * (lineWidth + breakWidth)
    let lastLineStart = lastByte + 1 - lastLineWidth
    guard lastLineWidth <= lineWidth, lastLineStart >= breakWidth else { return nil }

    // The last line and the break before it must look as the first line does.
    let breakBefore = Array(tail[(lastLineStart - breakWidth)..<lastLineStart])
    guard breakBefore == (breakWidth == 2 ? [0x0D, 0x0A] : [0x0A]) else { return nil }
    var tailCounter = SymbolCounter()
    let lastLine = Array(tail[lastLineStart...lastByte])
    guard tailCounter.add(lastLine, count: lastLine.count),
      tailCounter.symbols + tailCounter.padding == lastLineWidth,
      tailCounter.padding <= 2, lastLineWidth % 4 == 0
    else { return nil }

    let characters = fullLines * lineWidth + lastLineWidth
    return characters / 4 * 3 - tailCounter.padding
  }

  private static func read(_ stream: UnsafeMutablePointer<GMimeStream>, count: Int) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let read = buffer.withUnsafeMutableBytes {
        g_mime_stream_read(stream, $0.baseAddress! + filled, count - filled)
      }
      if read < 0 { return nil }
      if read == 0 { break }
      filled += read
    }
    return Array(buffer[..<filled])
  }
}

/// Running counts of base64 symbols and `=` over chunks of content.
private struct SymbolCounter {
  var symbols = 0
  var padding = 0

  /// Adds the first `count` bytes of `bytes`; returns false when they hold a byte that is
  /// not base64, a line break, a space or a tab, or a symbol after `=`.
  mutating func add(_ bytes: [UInt8], count: Int) -> Bool {
    bytes.withUnsafeBufferPointer { kith_base64_count($0.baseAddress, count, &symbols, &padding) == 1 }
  }

  /// The decoded size, or nil when the padding or the character count is not valid base64.
  var decodedSize: Int? {
    guard padding <= 2, (symbols + padding) % 4 == 0 else { return nil }
    return symbols / 4 * 3 + [0, 0, 1, 2][symbols % 4]
  }
}
