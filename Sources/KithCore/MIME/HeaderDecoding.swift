import CGMime
import Foundation

/// Parses address header values, such as From or To, outside a whole message.
public enum AddressParser {
  /// Parses an address list with GMime's lenient parser: groups are replaced by their
  /// members, quoted names are unquoted, comments dropped and RFC 2047 words decoded.
  public static func parse(_ header: String) -> [Address] {
    let repaired = HeaderDecoding.repairedCString(header)
    return GMimeRuntime.withParserOptions { options in
      guard let list = internet_address_list_parse(options, repaired) else { return [] }
      defer { g_object_unref(list) }
      return MessageHeaders.addresses(list)
    }
  }
}

/// Decodes single header values the way the message parser does.
public enum HeaderDecoding {
  /// Decodes RFC 2047 encoded words in unstructured text such as a Subject, and raw 8-bit
  /// bytes as UTF-8 or else windows-1252.
  public static func decodeText(_ value: String) -> String {
    let repaired = repairedCString(value)
    return GMimeRuntime.withParserOptions { options in
      GMimeRuntime.takeString(g_mime_utils_header_decode_text(options, repaired)) ?? value
    }
  }

  /// Returns the value unfolded, with runs of encoded words repaired by `EncodedWordRepair`,
  /// as a NUL-terminated C string.
  static func repairedCString(_ value: String) -> [CChar] {
    let unfolded = Array(value.utf8).filter { $0 != 0x0D && $0 != 0x0A }
    return EncodedWordRepair.repair(unfolded).map { CChar(bitPattern: $0) } + [0]
  }

  /// Parses a Date header value, including obsolete forms (two-digit years, named zones),
  /// or returns nil when GMime cannot read it.
  public static func date(_ value: String) -> Date? {
    GMimeRuntime.ensureInitialized()
    guard let dateTime = g_mime_utils_header_decode_date(DateHeaderRepair.repair(value)) else { return nil }
    defer { g_date_time_unref(dateTime) }
    return MessageHeaders.date(dateTime)
  }

  /// Decodes a Content-Type or Content-Disposition value and returns its file name
  /// parameter (`name` or `filename`), with RFC 2231 and RFC 2047 encodings removed.
  public static func fileName(fromParameters value: String) -> String? {
    GMimeRuntime.withParserOptions { options in
      guard let disposition = g_mime_content_disposition_parse(options, value) else { return nil }
      defer { g_object_unref(disposition) }
      let filename = g_mime_content_disposition_get_parameter(disposition, "filename")
        ?? g_mime_content_disposition_get_parameter(disposition, "name")
      return GMimeRuntime.string(filename)
    }
  }
}
