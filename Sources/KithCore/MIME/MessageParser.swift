import CGMime
import Foundation

/// Parses raw RFC 5322 messages with GMime into `ParsedMessage` values.
public enum MessageParser {
  /// Parses one message.
  ///
  /// Text that cannot be decoded is shown with U+FFFD and a line in `notes`. Input without
  /// a message header becomes the body text, with a note. The corpus tests parse every
  /// sample file this way. Thread-safe, because each call uses its own GMime parser and
  /// options.
  public static func parse(_ raw: Data) -> ParsedMessage {
    parse(raw, encodedMessageDepth: 0, attachmentIndex: nil).message
  }

  /// Parses only the header of one message. Every field but `bodyText` and `attachments`
  /// equals that of `parse(raw)`, and those two stay empty.
  ///
  /// Sync stores these fields and the raw message; the message pane parses the body when it
  /// shows the message. In bench/sync this took about a seventh off a first sync's time,
  /// because converting bodies (charsets, HTML, attachment sizes) is most of parsing. Notes
  /// are those about the header only. Thread-safe, like `parse`.
  public static func parseHeaders(_ raw: Data) -> ParsedMessage {
    parse(raw, encodedMessageDepth: 0, attachmentIndex: nil, headersOnly: true).message
  }

  /// Returns the decoded content of the attachment at `index` in `parse(raw).attachments`, or
  /// nil when there is no such attachment. An attached message is returned as the raw
  /// message, ready to be saved as an .eml file.
  public static func attachmentData(_ raw: Data, at index: Int) -> Data? {
    guard index >= 0 else { return nil }
    return parse(raw, encodedMessageDepth: 0, attachmentIndex: index).attachmentData
  }

  /// Parses one message that is `encodedMessageDepth` levels deep inside encoded attached
  /// messages, and returns the content of the attachment at `attachmentIndex` when given.
  /// With `headersOnly`, GMime gets only the header lines, and the body fields stay empty.
  static func parse(
    _ raw: Data, encodedMessageDepth: Int, attachmentIndex: Int?, headersOnly: Bool = false
  ) -> (message: ParsedMessage, attachmentData: Data?) {
    guard !raw.isEmpty else {
      return (ParsedMessage(notes: ["The message is empty."]), nil)
    }
    return GMimeRuntime.withParserOptions { options in
      let warnings = ParserWarnings()
      let context = Unmanaged.passUnretained(warnings).toOpaque()
      g_mime_parser_options_set_warning_callback(options, ParserWarnings.callback, context)

      let input = RawMessageRepair.endingHeadersAtBlankLine(RawMessageRepair.withLineFeeds(raw))
      let cut: (Data) -> Data = headersOnly ? RawMessageRepair.throughFirstEmptyLine : { $0 }
      guard let message = parseSkippingLeadingJunk(input, cut: cut, options: options) else {
        if headersOnly {
          return (ParsedMessage(notes: ["The data has no message header; it is shown as plain text."]), nil)
        }
        let text = CharsetDecoder.decode(raw, charset: nil).text
        let parsed = ParsedMessage(
          bodyText: text.trimmingWhitespaceAndNewlines(),
          notes: ["The data has no message header; it is shown as plain text."])
        return (parsed, nil)
      }
      defer { g_object_unref(message) }

      var parsed = MessageHeaders.read(message, options: options)
      if headersOnly {
        parsed.notes = unique(warnings.notes)
        withExtendedLifetime(warnings) {}
        return (parsed, nil)
      }
      var collector = MessageBodyCollector(
        options: options, encodedMessageDepth: encodedMessageDepth,
        capturedAttachmentIndex: attachmentIndex)
      if let root = g_mime_message_get_mime_part(message) {
        collector.collect(root, depth: 0, wantsText: true)
      }
      parsed.bodyText = collector.bodyText
      parsed.attachments = collector.attachments
      parsed.notes = unique(warnings.notes + collector.notes)
      withExtendedLifetime(warnings) {}
      return (parsed, collector.capturedAttachment)
    }
  }

  /// Parses `cut(input)`. When GMime finds no message there, or one without a single header
  /// field, because blank lines or an mbox "From " line come first, it parses the input
  /// without those lines instead, if that gives a message with header fields.
  private static func parseSkippingLeadingJunk(
    _ input: Data, cut: (Data) -> Data, options: OpaquePointer
  ) -> UnsafeMutablePointer<GMimeMessage>? {
    let first = parseMessage(cut(input), options: options)
    if let first, headerCount(first) > 0 { return first }
    let stripped = RawMessageRepair.withoutLeadingJunk(input)
    guard stripped.count != input.count, let second = parseMessage(cut(stripped), options: options) else {
      return first
    }
    guard let first else { return second }
    if headerCount(second) > 0 {
      g_object_unref(first)
      return second
    }
    g_object_unref(second)
    return first
  }

  private static func headerCount(_ message: UnsafeMutablePointer<GMimeMessage>) -> Int32 {
    let object = GMimeRuntime.cast(message, to: GMimeObject.self)
    guard let list = g_mime_object_get_header_list(object) else { return 0 }
    return g_mime_header_list_get_count(list)
  }

  private static func parseMessage(_ raw: Data, options: OpaquePointer)
    -> UnsafeMutablePointer<GMimeMessage>?
  {
    guard !raw.isEmpty else { return nil }
    return raw.withUnsafeBytes { buffer in
      kith_gmime_parse_message(buffer.baseAddress, buffer.count, options)
    }
  }

  private static func unique(_ notes: [String]) -> [String] {
    var seen: Set<String> = []
    return notes.filter { seen.insert($0).inserted }
  }
}

/// Collects, as notes, the GMime parser warnings that mean parts of the message are missing
/// or changed.
private final class ParserWarnings {
  var notes: [String] = []

  static let callback: GMimeParserWarningFunc = { _, code, _, context in
    guard let context else { return }
    let warnings = Unmanaged<ParserWarnings>.fromOpaque(context).takeUnretainedValue()
    if let note = note(for: code) { warnings.notes.append(note) }
  }

  private static func note(for code: GMimeParserWarning) -> String? {
    switch code {
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "A multipart part contains no parts; its content may be missing."
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "A multipart part has no boundary parameter; its content is shown as plain text."
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "The message is truncated."
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "The MIME structure is nested too deeply; the innermost parts are not shown."
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT, GMIME_WARN_MALFORMED_MESSAGE:
      return "The MIME structure is malformed; some parts may be missing."
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "A part has an invalid Content-Type and is treated as application/octet-stream."
    default:
      return nil
    }
  }
}
