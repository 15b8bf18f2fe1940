import CGMime
import Foundation

/// Reads the header fields of a parsed GMime message.
enum MessageHeaders {
  /// Returns a `ParsedMessage` with every header field filled and the body still empty.
  static func read(_ message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer)
    -> ParsedMessage
  {
    let object = GMimeRuntime.cast(message, to: GMimeObject.self)
    var parsed = ParsedMessage()
    parsed.subject = subject(message, options: options)
    parsed.from = addresses(object, "From", options: options) { g_mime_message_get_from(message) }
    parsed.to = addresses(object, "To", options: options) { g_mime_message_get_to(message) }
    parsed.cc = addresses(object, "Cc", options: options) { g_mime_message_get_cc(message) }
    parsed.replyTo = addresses(object, "Reply-To", options: options) {
      g_mime_message_get_reply_to(message)
    }
    parsed.date = repairedDate(object) ?? date(g_mime_message_get_date(message))
    parsed.messageID = bracketedID(header(object, "Message-ID"))
      ?? messageID(g_mime_message_get_message_id(message))
    parsed.inReplyTo = messageIDs(header(object, "In-Reply-To"), options: options).first
    // Some mailers write References twice; the IDs of all copies count, in order.
    parsed.references = allHeaders(object, "References").flatMap { messageIDs($0, options: options) }
    return parsed
  }

  /// Returns the Date header parsed after `DateHeaderRepair`, or nil when the header is
  /// missing or the repair changes nothing, so that GMime's own result is used.
  private static func repairedDate(_ object: UnsafeMutablePointer<GMimeObject>) -> Date? {
    guard let value = header(object, "Date") else { return nil }
    let repaired = DateHeaderRepair.repair(value)
    guard repaired != value else { return nil }
    return HeaderDecoding.date(repaired)
  }

  /// Returns the decoded Subject with line folding, tabs and runs of spaces turned into one
  /// space, or nil when there is no Subject header.
  static func subject(_ message: UnsafeMutablePointer<GMimeMessage>, options: OpaquePointer) -> String? {
    let object = GMimeRuntime.cast(message, to: GMimeObject.self)
    var decoded = GMimeRuntime.string(g_mime_message_get_subject(message))
    if let raw = repairedRawHeader(object, "Subject") {
      decoded = raw.withUnsafeBufferPointer { buffer in
        GMimeRuntime.takeString(g_mime_utils_header_decode_text(options, buffer.baseAddress))
      }
    }
    guard let decoded else { return nil }
    if isSingleSpaced(decoded) { return decoded }
    return decoded.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
      .joined(separator: " ")
  }

  /// Returns whether splitting at spaces, tabs and line breaks and joining with one space
  /// would return `value` unchanged: it has no tab, CR or LF byte, no space at either end
  /// and no two spaces in a row. Values that fail go through the Character-based split.
  private static func isSingleSpaced(_ value: String) -> Bool {
    let space = UInt8(ascii: " ")
    let bytes = value.utf8
    guard bytes.first != space, bytes.last != space else { return false }
    var previous: UInt8 = 0
    for byte in bytes {
      if byte == 0x09 || byte == 0x0A || byte == 0x0D { return false }
      if byte == space && previous == space { return false }
      previous = byte
    }
    return true
  }

  /// Returns the addresses of the header `name`. GMime's own list comes from `parsedList`,
  /// unless the header has runs of encoded words that GMime would decode wrongly.
  private static func addresses(
    _ object: UnsafeMutablePointer<GMimeObject>, _ name: String, options: OpaquePointer,
    parsedList: () -> UnsafeMutablePointer<InternetAddressList>?
  ) -> [Address] {
    guard let raw = repairedRawHeader(object, name) else { return addresses(parsedList()) }
    let list = raw.withUnsafeBufferPointer { internet_address_list_parse(options, $0.baseAddress) }
    defer { if let list { g_object_unref(list) } }
    return addresses(list)
  }

  /// Returns the raw value of header `name`, NUL-terminated, with its encoded words repaired
  /// by `EncodedWordRepair` and line breaks removed, or nil when the header is missing or needs no repair.
  private static func repairedRawHeader(_ object: UnsafeMutablePointer<GMimeObject>, _ name: String)
    -> [CChar]?
  {
    guard let list = g_mime_object_get_header_list(object),
      let header = g_mime_header_list_get_header(list, name),
      let raw = g_mime_header_get_raw_value(header)
    else { return nil }
    // Unfolding removes the line breaks of folded lines (RFC 5322, section 2.2.3).
    let bytes = Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw))).filter {
      $0 != 0x0D && $0 != 0x0A
    }
    let repaired = EncodedWordRepair.repair(bytes)
    guard repaired != bytes else { return nil }
    return repaired.map { CChar(bitPattern: $0) } + [0]
  }

  /// Returns the raw (still encoded) value of the first header called `name`.
  static func header(_ object: UnsafeMutablePointer<GMimeObject>, _ name: String) -> String? {
    GMimeRuntime.string(g_mime_object_get_header(object, name))
  }

  /// Returns the values of every header called `name`, in order.
  static func allHeaders(_ object: UnsafeMutablePointer<GMimeObject>, _ name: String) -> [String] {
    guard let list = g_mime_object_get_header_list(object) else { return [] }
    var values: [String] = []
    for index in 0..<g_mime_header_list_get_count(list) {
      // Field names are ASCII (RFC 5322, section 2.2), so an ASCII comparison is enough.
      guard let header = g_mime_header_list_get_header_at(list, index),
        let headerName = g_mime_header_get_name(header),
        g_ascii_strcasecmp(headerName, name) == 0,
        let value = GMimeRuntime.string(g_mime_header_get_value(header))
      else { continue }
      values.append(value)
    }
    return values
  }

  /// Converts an address list, with the members of groups in place of the groups.
  static func addresses(_ list: UnsafeMutablePointer<InternetAddressList>?) -> [Address] {
    guard let list else { return [] }
    var result: [Address] = []
    for index in 0..<internet_address_list_length(list) {
      guard let address = internet_address_list_get_address(list, index) else { continue }
      if kith_gmime_is_group(address) != 0 {
        let group = GMimeRuntime.cast(address, to: InternetAddressGroup.self)
        result += addresses(internet_address_group_get_members(group))
        continue
      }
      let mailbox = GMimeRuntime.cast(address, to: InternetAddressMailbox.self)
      let email = GMimeRuntime.string(internet_address_mailbox_get_addr(mailbox)) ?? ""
      var name = GMimeRuntime.string(internet_address_get_name(address))
      if name?.isEmpty == true { name = nil }
      if email.isEmpty && name == nil { continue }
      result.append(Address(name: name, email: email))
    }
    return result
  }

  /// Converts a GLib date-time, which the message keeps ownership of, to a `Date`.
  static func date(_ dateTime: OpaquePointer?) -> Date? {
    guard let dateTime else { return nil }
    let seconds = g_date_time_to_unix(dateTime)
    let microseconds = g_date_time_get_microsecond(dateTime)
    return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(microseconds) / 1_000_000)
  }

  /// Returns the message IDs in a References or In-Reply-To value, without angle brackets.
  /// A value without any angle brackets counts as one bare ID.
  static func messageIDs(_ value: String?, options: OpaquePointer) -> [String] {
    guard let value, !value.unicodeScalars.allSatisfy(CharacterSet.whitespacesAndNewlines.contains) else {
      return []
    }
    var result: [String] = []
    if let references = g_mime_references_parse(options, value) {
      defer { g_mime_references_free(references) }
      for index in 0..<g_mime_references_length(references) {
        if let id = messageID(g_mime_references_get_message_id(references, index)) {
          result.append(id)
        }
      }
    }
    if result.isEmpty && !value.contains("<") {
      if let id = messageID(value) { result.append(id) }
    }
    return result
  }

  /// Returns the text between the first "<" and the next ">", because GMime 3.2.13 cuts an
  /// ID with several "@" signs at the second one.
  private static func bracketedID(_ value: String?) -> String? {
    guard let value else { return nil }
    if value.utf8.allSatisfy({ $0 < 0x80 }) { return bracketedASCIIID(value) }
    guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else {
      return nil
    }
    let id = value[value.index(after: open)..<close].filter { !$0.isWhitespace }
    return id.isEmpty ? nil : String(id)
  }

  /// Returns what `bracketedID` returns, for an ASCII value, from its bytes.
  private static func bracketedASCIIID(_ value: String) -> String? {
    let bytes = value.utf8
    guard let open = bytes.firstIndex(of: UInt8(ascii: "<")),
      let close = bytes[open...].firstIndex(of: UInt8(ascii: ">"))
    else { return nil }
    // The ASCII white space of Character.isWhitespace: tab, LF, VT, FF, CR and space.
    let id = bytes[bytes.index(after: open)..<close].filter { !(0x09...0x0D).contains($0) && $0 != 0x20 }
    return id.isEmpty ? nil : String(decoding: id, as: UTF8.self)
  }

  private static func messageID(_ pointer: UnsafePointer<CChar>?) -> String? {
    messageID(GMimeRuntime.string(pointer))
  }

  private static func messageID(_ value: String?) -> String? {
    guard var id = value.map(trimmingWhitespace) else { return nil }
    if id.hasPrefix("<") { id.removeFirst() }
    if id.hasSuffix(">") { id.removeLast() }
    return id.isEmpty ? nil : id
  }

  /// Returns `value` without leading and trailing white space and newlines. Values that
  /// start and end with a visible ASCII character, as most IDs do, skip Foundation's
  /// trimming, which copies through NSString on Linux.
  private static func trimmingWhitespace(_ value: String) -> String {
    let visibleASCII: ClosedRange<UInt8> = 0x21...0x7E
    if let first = value.utf8.first, let last = value.utf8.last, visibleASCII.contains(first),
      visibleASCII.contains(last)
    {
      return value
    }
    return value.trimmingWhitespaceAndNewlines()
  }
}
