import Foundation

/// A streaming IMAP response parser: feed it bytes as they arrive and take complete responses.
///
/// Framing follows RFC 3501, section 4.3: a line that ends in `{n}` (or `{n+}`, `~{n}`) is
/// followed by exactly n literal bytes. They are skipped by count and never scanned for line
/// ends, so message bodies with tag-like lines or `* ` lines cannot end a response early. Only a complete response is decoded. A response that fails to decode is dropped and
/// reported as an error, and the parser goes on with the next one.
///
/// Not thread-safe; one connection owns one parser.
public struct IMAPResponseParser {
  /// The maximum size of one response in bytes, literals included.
  public let maximumResponseSize: Int

  /// Whether a response exceeded `maximumResponseSize`; the parser then returns only errors.
  public private(set) var hasFailed = false

  private var buffer: [UInt8] = []
  /// Start of the response being framed.
  private var responseStart = 0
  /// Bytes before this index are framed already, so a later `feed` does not rescan them.
  private var scanIndex = 0
  /// Start of the line being scanned, which is also where the text after a literal resumes.
  private var lineStart = 0
  private var pendingLiteralBytes = 0
  /// Whether the response being framed may contain literals; nil until its first line ends.
  private var literalsAllowed: Bool?

  /// Creates a parser that rejects a response larger than `maximumResponseSize` bytes.
  ///
  /// The default of 512 MiB is a chosen bound, not a protocol limit. A larger response is
  /// reported as an error instead of exhausting memory.
  public init(maximumResponseSize: Int = 512 * 1024 * 1024) {
    self.maximumResponseSize = maximumResponseSize
  }

  /// Appends bytes received from the server.
  public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
    guard !hasFailed else { return }
    buffer.append(contentsOf: bytes)
  }

  /// The count of received bytes not yet returned as part of a response.
  public var bufferedByteCount: Int { buffer.count - responseStart }

  /// Returns the next complete response, or nil when more bytes are needed.
  ///
  /// - Throws: `KithError` with `.serverResponse` when a response is malformed (it is skipped)
  ///   or larger than `maximumResponseSize` (the parser cannot recover, because the rest of
  ///   that response is unknown, and the connection must be closed).
  public mutating func next() throws -> IMAPResponse? {
    if hasFailed { try checkSize(0) }
    guard let end = try frameResponse() else { return nil }
    let start = responseStart
    responseStart = end
    scanIndex = end
    lineStart = end
    literalsAllowed = nil
    defer { compactIfNeeded() }

    var decoder = IMAPResponseDecoder(bytes: buffer[start..<end])
    return try decoder.decodeResponse()
  }

  /// Advances the framing over the buffered bytes and returns the end index of a complete
  /// response, or nil when the response is still incomplete.
  private mutating func frameResponse() throws -> Int? {
    while true {
      if pendingLiteralBytes > 0 {
        let skipped = min(buffer.count - scanIndex, pendingLiteralBytes)
        scanIndex += skipped
        pendingLiteralBytes -= skipped
        if pendingLiteralBytes > 0 { return nil }
        lineStart = scanIndex
      }

      guard let lineFeed = buffer[scanIndex...].firstIndex(of: UInt8(ascii: "\n")) else {
        scanIndex = buffer.count
        try checkSize(buffer.count - responseStart)
        return nil
      }
      try checkSize(lineFeed + 1 - responseStart)

      if literalsAllowed == nil {
        literalsAllowed = Self.mayContainLiterals(firstLine: buffer[responseStart..<lineFeed])
      }
      if literalsAllowed == true, let count = Self.literalLength(endingLine: buffer[lineStart..<lineFeed]) {
        try checkSize(lineFeed + 1 + count - responseStart)
        pendingLiteralBytes = count
        scanIndex = lineFeed + 1
        if count == 0 { lineStart = scanIndex }
        continue
      }
      return lineFeed + 1
    }
  }

  private mutating func checkSize(_ size: Int) throws {
    if hasFailed || size > maximumResponseSize {
      hasFailed = true
      buffer = []
      (responseStart, scanIndex, lineStart, pendingLiteralBytes) = (0, 0, 0, 0)
      throw KithError(
        .serverResponse,
        "The IMAP server sent a response larger than \(maximumResponseSize) bytes; the connection must be closed.")
    }
  }

  /// Drops consumed bytes once they are at least half of the buffer, so that removal stays
  /// amortized linear.
  private mutating func compactIfNeeded() {
    guard responseStart > 0, responseStart * 2 >= buffer.count else { return }
    buffer.removeSubrange(0..<responseStart)
    scanIndex -= responseStart
    lineStart -= responseStart
    responseStart = 0
  }

  /// Reports whether a response with this first line can hold literals.
  ///
  /// Status responses (`* OK`, `tag NO` …) and continuations end with free text, and that text
  /// may end in something like `{5}` that is not a literal.
  static func mayContainLiterals(firstLine: ArraySlice<UInt8>) -> Bool {
    guard let first = firstLine.first, first != UInt8(ascii: "+") else { return false }
    let words = firstLine.prefix(40).split(separator: UInt8(ascii: " "), maxSplits: 2)
    guard words.count >= 2 else { return true }
    let keyword = String(decoding: words[1], as: UTF8.self).uppercased()
      .trimmingWhitespaceAndNewlines()
    return !["OK", "NO", "BAD", "BYE", "PREAUTH"].contains(keyword)
  }

  /// Returns n when the line (without its LF) ends in `{n}`, `{n+}` or `~{n}`, else nil.
  static func literalLength(endingLine line: ArraySlice<UInt8>) -> Int? {
    var end = line.endIndex
    if end > line.startIndex, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    guard end > line.startIndex, line[end - 1] == UInt8(ascii: "}") else { return nil }
    var index = end - 1
    if index > line.startIndex, line[index - 1] == UInt8(ascii: "+") { index -= 1 }
    let digitsEnd = index
    while index > line.startIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(line[index - 1]) {
      index -= 1
    }
    let digitCount = digitsEnd - index
    guard digitCount > 0, digitCount <= 18, index > line.startIndex,
      line[index - 1] == UInt8(ascii: "{")
    else { return nil }
    return Int(String(decoding: line[index..<digitsEnd], as: UTF8.self))
  }
}
