import Foundation

/// A plain scan that removes HTML tags, comments, scripts and styles and decodes entities,
/// for documents the libxml2 parser cannot take. It keeps no structure beyond line breaks
/// for block tags, and never recurses, so any nesting depth is safe.
enum HTMLTagStripper {
  private static let blockTags: Set<String> = [
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table",
    "ul", "ol", "pre", "hr",
  ]

  static func text(fromHTML html: String) -> String {
    var output = ""
    var scalars = Array(html.unicodeScalars)[...]
    var pendingSpace = false

    func emit(_ text: String) {
      if pendingSpace, !output.isEmpty, !output.hasSuffix("\n") { output.append(" ") }
      pendingSpace = false
      output.append(text)
    }

    while let scalar = scalars.first {
      if scalar == "<" {
        let tag = readTag(&scalars)
        if tag == "script" || tag == "style" {
          skip(through: "</\(tag)", in: &scalars)
        } else if blockTags.contains(tag), !output.isEmpty, !output.hasSuffix("\n") {
          output.append("\n")
          pendingSpace = false
        }
      } else if scalar == "&" {
        emit(readEntity(&scalars))
      } else if scalar.properties.isWhitespace {
        pendingSpace = true
        scalars.removeFirst()
      } else {
        emit(String(scalar))
        scalars.removeFirst()
      }
    }
    return output.trimmingWhitespaceAndNewlines()
  }

  /// Consumes a tag, comment or declaration and returns the tag name in lower case. A closing
  /// tag returns its element's name, and a comment returns an empty name.
  private static func readTag(_ scalars: inout ArraySlice<Unicode.Scalar>) -> String {
    scalars.removeFirst()
    if scalars.starts(with: "!--".unicodeScalars) {
      skip(through: "-->", in: &scalars)
      return ""
    }
    if scalars.first == "/" { scalars.removeFirst() }
    var name = ""
    while let scalar = scalars.first, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
      name.unicodeScalars.append(scalar)
      scalars.removeFirst()
    }
    while let scalar = scalars.first {
      scalars.removeFirst()
      if scalar == ">" { break }
    }
    return name.lowercased()
  }

  /// Drops scalars up to and including the first match of `marker`, ignoring case.
  private static func skip(through marker: String, in scalars: inout ArraySlice<Unicode.Scalar>) {
    let target = Array(marker.lowercased().unicodeScalars)
    while !scalars.isEmpty {
      if scalars.prefix(target.count).map({ Unicode.Scalar(String($0).lowercased()) ?? $0 }).elementsEqual(target) {
        scalars.removeFirst(target.count)
        while let scalar = scalars.first {
          scalars.removeFirst()
          if scalar == ">" || target.last == ">" { break }
        }
        return
      }
      scalars.removeFirst()
    }
  }

  private static let namedEntities: [String: String] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
  ]

  /// Consumes an entity such as `&amp;` or `&#8364;` and returns its text. An unknown entity
  /// stays as written.
  private static func readEntity(_ scalars: inout ArraySlice<Unicode.Scalar>) -> String {
    let body = scalars.dropFirst().prefix(10)
    guard let end = body.firstIndex(of: ";") else {
      scalars.removeFirst()
      return "&"
    }
    let name = String(String.UnicodeScalarView(body[body.startIndex..<end]))
    var decoded: String?
    if name.hasPrefix("#x") || name.hasPrefix("#X") {
      decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map(String.init)
    } else if name.hasPrefix("#") {
      decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map(String.init)
    } else {
      decoded = namedEntities[name.lowercased()]
    }
    guard let decoded else {
      scalars.removeFirst()
      return "&"
    }
    scalars.removeFirst(name.unicodeScalars.count + 2)
    return decoded
  }
}
