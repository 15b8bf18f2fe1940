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

  /// Returns the decoded size of base64 content that holds only base64 characters, line
  /// breaks, spaces and tabs, with at most two `=` at its end and a multiple of four
  /// characters in all, or nil for any other content.
  static func countedBase64Size(_ part: UnsafeMutablePointer<GMimePart>) -> Int? {
    guard let content = g_mime_part_get_content(part),
      g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64,
      let stream = g_mime_data_wrapper_get_stream(content)
    else { return nil }

    // Decoding later starts from the stream's beginning too, so both resets keep it usable.
    guard g_mime_stream_reset(stream) == 0 else { return nil }
    defer { g_mime_stream_reset(stream) }

    var symbols = 0
    var padding = 0
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { g_mime_stream_read(stream, $0.baseAddress, $0.count) }
      if count < 0 { return nil }
      if count == 0 { break }
      let isWellFormed = buffer.withUnsafeBufferPointer {
        kith_base64_count($0.baseAddress, count, &symbols, &padding) == 1
      }
      if !isWellFormed { return nil }
    }
    guard padding <= 2, (symbols + padding) % 4 == 0 else { return nil }
    return symbols / 4 * 3 + [0, 0, 1, 2][symbols % 4]
  }
}
