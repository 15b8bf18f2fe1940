import CGMime
import Foundation

/// Picks the child of a multipart/alternative whose text Kith shows.
enum AlternativeChooser {
  private enum Kind: Int, Comparable {
    case none, enriched, html, plain

    static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  /// Returns the first child with non-empty plain text, else the first with HTML, else the
  /// first with enriched text, else the first child. The order of the children does not
  /// matter, although RFC 2046 puts the preferred one last, because Kith prefers plain text.
  static func choose(_ children: [UnsafeMutablePointer<GMimeObject>]) -> UnsafeMutablePointer<GMimeObject>? {
    var best: (child: UnsafeMutablePointer<GMimeObject>, kind: Kind)? = nil
    for child in children {
      let kind = textKind(child, depth: 0)
      if kind > (best?.kind ?? .none) { best = (child, kind) }
    }
    return best?.child ?? children.first
  }

  /// Returns the kind of text that `object` would show: a leaf's own kind, the best of an
  /// alternative's children, or the kind of the first child of other multiparts.
  private static func textKind(_ object: UnsafeMutablePointer<GMimeObject>, depth: Int) -> Kind {
    guard depth < 20 else { return .none }
    if kith_gmime_is_multipart(object) != 0 {
      let multipart = GMimeRuntime.cast(object, to: GMimeMultipart.self)
      let count = g_mime_multipart_get_count(multipart)
      guard count > 0 else { return .none }
      if MIMEType(object).subtype == "alternative" {
        return (0..<count).compactMap { g_mime_multipart_get_part(multipart, $0) }
          .map { textKind($0, depth: depth + 1) }.max() ?? .none
      }
      guard let first = g_mime_multipart_get_part(multipart, 0) else { return .none }
      return textKind(first, depth: depth + 1)
    }
    guard kith_gmime_is_part(object) != 0 else { return .none }
    let disposition = GMimeRuntime.string(g_mime_object_get_disposition(object))?.lowercased()
    guard disposition != "attachment" else { return .none }

    let type = MIMEType(object)
    guard type.type == "text" else { return .none }
    switch type.subtype {
    case "plain": return hasVisibleContent(GMimeRuntime.cast(object, to: GMimePart.self)) ? .plain : .none
    case "html": return .html
    case "enriched", "richtext": return .enriched
    default: return .none
    }
  }

  /// Returns whether the part's decoded content has anything but white space, so that an
  /// empty text/plain alternative does not hide the HTML one.
  private static func hasVisibleContent(_ part: UnsafeMutablePointer<GMimePart>) -> Bool {
    GMimeRuntime.withBytes(kith_gmime_part_decoded_content(part)) { bytes in
      bytes.contains { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
    }
  }
}
