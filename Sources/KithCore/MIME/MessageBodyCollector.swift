import CGMime
import Foundation

/// Walks a GMime part tree and collects the body text, the attachments and decoding notes.
///
/// The text comes from inline text parts in document order. In multipart/alternative only
/// one child contributes text: the first with non-empty text/plain, else the first with
/// HTML, else the first with enriched text. Attached messages add a marked header block
/// and their own text.
struct MessageBodyCollector {
  private(set) var attachments: [AttachmentInfo] = []
  private(set) var notes: [String] = []
  private var blocks: [String] = []
  /// How many encoded attached messages enclose the message being collected.
  let encodedMessageDepth: Int
  /// The GMime parser options of the enclosing parse, for decoding attached messages' headers.
  private let options: OpaquePointer

  /// The deepest nesting of encoded attached messages that is parsed.
  private static let maximumEncodedMessageDepth = 8

  /// The deepest part nesting that is walked. GMime's parser has its own nesting limit and
  /// reports GMIME_CRIT_NESTING_OVERFLOW, so this is a second guard for the recursion here.
  private static let maximumDepth = 100

  /// Non-text types whose content is readable text (delivery and read reports).
  private static let textLikeTypes: Set<String> = [
    "message/delivery-status", "message/disposition-notification", "message/feedback-report",
    "message/global-delivery-status", "message/global-disposition-notification",
  ]

  /// Protocol parts of signed and encrypted mail that are neither text nor attachments.
  private static let protocolTypes: Set<String> = [
    "application/pgp-signature", "application/pgp-encrypted", "application/pkcs7-signature",
    "application/x-pkcs7-signature",
  ]

  /// The index in `attachments` whose decoded content is kept in `capturedAttachment`.
  let capturedAttachmentIndex: Int?
  /// The decoded content of the attachment at `capturedAttachmentIndex`, once collected.
  private(set) var capturedAttachment: Data?

  init(options: OpaquePointer, encodedMessageDepth: Int, capturedAttachmentIndex: Int? = nil) {
    self.options = options
    self.encodedMessageDepth = encodedMessageDepth
    self.capturedAttachmentIndex = capturedAttachmentIndex
  }

  /// Appends an attachment, and keeps its content when it is the one to capture.
  private mutating func addAttachment(_ attachment: AttachmentInfo, content: () -> Data?) {
    if attachments.count == capturedAttachmentIndex { capturedAttachment = content() }
    attachments.append(attachment)
  }

  /// The collected text blocks without leading empty lines, separated by empty lines.
  var bodyText: String {
    blocks.map(Self.droppingLeadingEmptyLines).filter { !$0.isEmpty }.joined(separator: "\n\n")
  }

  private static func droppingLeadingEmptyLines(_ text: String) -> String {
    var lineStart = text.startIndex
    for index in text.indices {
      let character = text[index]
      if character == "\n" {
        lineStart = text.index(after: index)
      } else if !character.isWhitespace {
        break
      }
    }
    return String(text[lineStart...])
  }

  /// Collects text and attachments from `object` and its descendants.
  mutating func collect(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int, wantsText: Bool) {
    guard depth <= Self.maximumDepth else {
      notes.append("The MIME structure is nested too deeply; the innermost parts are not shown.")
      return
    }
    if kith_gmime_is_message_part(object) != 0 {
      collectMessagePart(object, depth: depth, wantsText: wantsText)
    } else if kith_gmime_is_multipart(object) != 0 {
      collectMultipart(object, depth: depth, wantsText: wantsText)
    } else if kith_gmime_is_part(object) != 0 {
      collectLeaf(object, wantsText: wantsText)
    }
  }

  private mutating func collectMessagePart(
    _ object: UnsafeMutablePointer<GMimeObject>, depth: Int, wantsText: Bool
  ) {
    let part = GMimeRuntime.cast(object, to: GMimeMessagePart.self)
    let message = g_mime_message_part_get_message(part)
    let disposition = GMimeRuntime.string(g_mime_object_get_disposition(object))?.lowercased()
    if disposition == "attachment" {
      let type = MIMEType(object)
      let subject = message.flatMap { GMimeRuntime.string(g_mime_message_get_subject($0)) }
      let name = GMimeRuntime.string(g_mime_object_get_content_disposition_parameter(object, "filename"))
      let size = message.map { kith_gmime_object_serialized_size(GMimeRuntime.cast($0, to: GMimeObject.self)) } ?? 0
      addAttachment(AttachmentInfo(filename: name ?? subject, mimeType: type.description, size: size)) {
        message.flatMap { GMimeRuntime.takeBytes(kith_gmime_object_bytes(GMimeRuntime.cast($0, to: GMimeObject.self))) }
      }
    }
    guard let message else { return }

    if wantsText { blocks.append(attachedMessageHeader(message)) }
    if let root = g_mime_message_get_mime_part(message) {
      collect(root, depth: depth + 1, wantsText: wantsText)
    }
  }

  /// Collects an attached message that GMime left as a plain part because its content is
  /// base64 or quoted-printable encoded, which RFC 2046 forbids but some mailers send.
  private mutating func collectEncodedMessage(_ part: UnsafeMutablePointer<GMimePart>, wantsText: Bool) {
    guard let decoded = GMimeRuntime.takeBytes(kith_gmime_part_decoded_content(part)), !decoded.isEmpty else {
      return
    }
    guard encodedMessageDepth < Self.maximumEncodedMessageDepth else {
      notes.append("Attached messages are nested too deeply; the innermost are not shown.")
      return
    }
    let innerIndex = capturedAttachmentIndex.map { $0 - attachments.count }
    let (inner, innerData) = MessageParser.parse(
      decoded, encodedMessageDepth: encodedMessageDepth + 1,
      attachmentIndex: innerIndex.flatMap { $0 >= 0 ? $0 : nil })
    if let innerData { capturedAttachment = innerData }
    if wantsText {
      let dateText = inner.date.map { MessageRenderer.formatDate($0, timeZone: TimeZone(identifier: "UTC")!) }
      blocks.append(Self.attachedMessageHeader(inner, dateText: dateText))
      blocks.append(inner.bodyText)
    }
    attachments += inner.attachments
    notes += inner.notes
  }

  private mutating func collectMultipart(
    _ object: UnsafeMutablePointer<GMimeObject>, depth: Int, wantsText: Bool
  ) {
    let multipart = GMimeRuntime.cast(object, to: GMimeMultipart.self)
    let children = (0..<g_mime_multipart_get_count(multipart)).compactMap {
      g_mime_multipart_get_part(multipart, $0)
    }
    let subtype = MIMEType(object).subtype

    if kith_gmime_is_multipart_encrypted(object) != 0 {
      notes.append("The message is encrypted; Kith cannot decrypt it, so its text is not shown.")
      for child in children { collect(child, depth: depth + 1, wantsText: false) }
      return
    }

    if children.isEmpty {
      // GMime keeps the content of a multipart without a usable boundary as its prologue.
      let prologue = GMimeRuntime.string(g_mime_multipart_get_prologue(multipart)) ?? ""
      if wantsText { blocks.append(Self.trimmingTrailingSpace(LineEnds.crlfToLF(prologue))) }
      return
    }

    var textChild: UnsafeMutablePointer<GMimeObject>? = nil
    switch subtype {
    case "alternative":
      textChild = AlternativeChooser.choose(children)
    case "signed":
      // The signed content comes first and the signature second (RFC 1847).
      textChild = children.first
    case "related":
      textChild = Self.relatedRoot(object, children)
    default:
      for child in children { collect(child, depth: depth + 1, wantsText: wantsText) }
      return
    }
    for child in children {
      let isChosen = child == textChild
      collect(child, depth: depth + 1, wantsText: wantsText && isChosen)
      // A calendar alternative adds the invitation's details to the chosen text.
      if wantsText && !isChosen && subtype == "alternative" {
        appendCalendarSummary(child)
      }
    }
  }

  /// Returns the root of a multipart/related: the child named by the `start` parameter,
  /// else the first child of the declared `type` when the first child is not text (MHTML
  /// files put images first), else the first child (RFC 2387).
  private static func relatedRoot(
    _ object: UnsafeMutablePointer<GMimeObject>, _ children: [UnsafeMutablePointer<GMimeObject>]
  ) -> UnsafeMutablePointer<GMimeObject>? {
    if let start = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "start")) {
      let id = start.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
      if let root = children.first(where: { GMimeRuntime.string(g_mime_object_get_content_id($0)) == id }) {
        return root
      }
    }
    if let first = children.first, MIMEType(first).type != "text", kith_gmime_is_multipart(first) == 0,
      let type = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "type"))?.lowercased(),
      let root = children.first(where: { MIMEType($0).description == type })
    {
      return root
    }
    return children.first
  }

  private mutating func collectLeaf(_ object: UnsafeMutablePointer<GMimeObject>, wantsText: Bool) {
    let part = GMimeRuntime.cast(object, to: GMimePart.self)
    let type = MIMEType(object)
    let disposition = GMimeRuntime.string(g_mime_object_get_disposition(object))?.lowercased()
    let filename = GMimeRuntime.string(g_mime_part_get_filename(part)).map(Self.singleLine)
    let isText = type.type == "text" || Self.textLikeTypes.contains(type.description)

    if Self.protocolTypes.contains(type.description) && filename == nil { return }
    if type.description == "message/partial" {
      let number = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "number")) ?? "?"
      let total = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "total")) ?? "?"
      // TODO: join the parts of a split message (RFC 2046, section 5.2.2) once the store
      // can find the other parts by their id parameter.
      notes.append("This is part \(number) of \(total) of a split message (message/partial); Kith does not join the parts.")
    }
    if type.type == "message" && (type.subtype == "rfc822" || type.subtype == "global") {
      if disposition == "attachment" {
        let size = PartSize.decoded(part)
        addAttachment(AttachmentInfo(filename: filename, mimeType: type.description, size: size)) {
          GMimeRuntime.takeBytes(kith_gmime_part_decoded_content(part))
        }
      }
      collectEncodedMessage(part, wantsText: wantsText)
      return
    }
    if disposition == "attachment" || !isText {
      let size = PartSize.decoded(part)
      addAttachment(AttachmentInfo(filename: filename, mimeType: type.description, size: size)) {
        GMimeRuntime.takeBytes(kith_gmime_part_decoded_content(part))
      }
      return
    }
    guard wantsText else { return }

    let text = decodedText(part, object: object)
    switch type.subtype {
    case "html":
      blocks.append(HTMLText.text(fromHTML: text))
    case "enriched", "richtext":
      blocks.append(EnrichedText.text(fromEnriched: text, isRichtext: type.subtype == "richtext"))
    case "calendar":
      blocks.append(CalendarSummary.summary(ofCalendar: text) ?? text)
    default:
      blocks.append(Self.plainText(text, object: object))
    }
  }

  private mutating func appendCalendarSummary(_ object: UnsafeMutablePointer<GMimeObject>) {
    guard kith_gmime_is_part(object) != 0, MIMEType(object).description == "text/calendar" else { return }
    let text = decodedText(GMimeRuntime.cast(object, to: GMimePart.self), object: object)
    if let summary = CalendarSummary.summary(ofCalendar: text) { blocks.append(summary) }
  }

  /// Returns the part's content with transfer encoding and charset decoded, line ends as LF.
  private mutating func decodedText(
    _ part: UnsafeMutablePointer<GMimePart>, object: UnsafeMutablePointer<GMimeObject>
  ) -> String {
    let result = GMimeRuntime.withBytes(kith_gmime_part_decoded_content(part)) { bytes in
      var charset = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "charset"))
      if charset == nil && MIMEType(object).subtype == "html" {
        charset = CharsetDecoder.charsetDeclaredInHTML(bytes)
      }
      return CharsetDecoder.decode(bytes, charset: charset)
    }
    if let note = result.note { notes.append(note) }
    return LineEnds.crlfToLF(result.text)
  }

  private static func plainText(_ text: String, object: UnsafeMutablePointer<GMimeObject>) -> String {
    let format = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "format"))
    guard format?.lowercased() == "flowed" else { return trimmingTrailingSpace(text) }
    let delsp = GMimeRuntime.string(g_mime_object_get_content_type_parameter(object, "delsp"))
    return trimmingTrailingSpace(FlowedText.unwrap(text, deletesSpace: delsp?.lowercased() == "yes"))
  }

  /// Replaces line breaks and tabs, which encoded file names can contain, with spaces so that
  /// each attachment stays on one line of a list.
  private static func singleLine(_ name: String) -> String {
    String(name.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\t" ? " " : $0 })
  }

  private static func trimmingTrailingSpace(_ text: String) -> String {
    var result = text
    while let last = result.last, last.isWhitespace { result.removeLast() }
    return result
  }

  /// Returns the block that introduces an attached message: a marker line, then From, Date
  /// and Subject when the message has them. `dateText` is the Date header as written.
  private static func attachedMessageHeader(_ message: ParsedMessage, dateText: String?) -> String {
    var lines = ["---------- Attached message ----------"]
    if !message.from.isEmpty {
      lines.append("From: " + message.from.map(\.description).joined(separator: ", "))
    }
    if let dateText { lines.append("Date: " + dateText) }
    if let subject = message.subject { lines.append("Subject: " + subject) }
    return lines.joined(separator: "\n")
  }

  private func attachedMessageHeader(_ message: UnsafeMutablePointer<GMimeMessage>) -> String {
    let object = GMimeRuntime.cast(message, to: GMimeObject.self)
    let headers = MessageHeaders.read(message, options: options)
    let dateText = MessageHeaders.header(object, "Date")?.trimmingWhitespaceAndNewlines()
    return Self.attachedMessageHeader(headers, dateText: dateText)
  }
}

/// A part's media type and subtype, lower-cased.
struct MIMEType: CustomStringConvertible {
  var type: String
  var subtype: String

  init(_ object: UnsafeMutablePointer<GMimeObject>) {
    let contentType = g_mime_object_get_content_type(object)
    type = GMimeRuntime.string(g_mime_content_type_get_media_type(contentType))?.lowercased() ?? "text"
    subtype = GMimeRuntime.string(g_mime_content_type_get_media_subtype(contentType))?.lowercased() ?? "plain"
  }

  var description: String { "\(type)/\(subtype)" }
}
