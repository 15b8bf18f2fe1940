/// Subject normalization for grouping messages that carry no references.
public enum SubjectNormalizer {
  /// Reply and forward prefixes in lower case, as mail clients in several languages write them
  /// before a colon: English, German (AW, WG), Scandinavian (SV, VS), Dutch (Antw), French
  /// (TR), Italian (RIF), Polish (ODP), Turkish (YNT) and Chinese.
  static let prefixes = [
    "re", "fwd", "fw", "aw", "wg", "sv", "vs", "antw", "tr", "rif", "odp", "ynt",
    "回复", "回覆", "答复", "转发", "轉寄",
  ]

  /// Returns the grouping key of `subject`: reply and forward prefixes and leading `[list]`
  /// tags removed, whitespace collapsed, lower-cased. Returns "" for a missing subject.
  public static func key(_ subject: String?) -> String {
    strip(subject).text.lowercased()
  }

  /// Returns whether `subject` starts with a reply or forward prefix, possibly after a
  /// `[list]` tag.
  public static func hasReplyPrefix(_ subject: String?) -> Bool {
    strip(subject).hadPrefix
  }

  private static func strip(_ subject: String?) -> (text: String, hadPrefix: Bool) {
    var text = Substring(collapseWhitespace(subject ?? ""))
    var hadPrefix = false
    while true {
      let before = text
      if let rest = dropListTag(text) { text = rest }
      if let rest = dropPrefix(text) {
        text = rest
        hadPrefix = true
      }
      text = text.drop(while: { $0 == " " })
      if text == before { break }
    }
    return (String(text), hadPrefix)
  }

  /// Removes one leading `[tag]` of up to 40 characters, such as a mailing list name.
  private static func dropListTag(_ text: Substring) -> Substring? {
    guard text.first == "[", let close = text.firstIndex(of: "]") else { return nil }
    guard text.distance(from: text.startIndex, to: close) <= 40 else { return nil }
    return text[text.index(after: close)...]
  }

  /// Removes one leading prefix followed by an optional counter (`Re[2]:`, `Re(2):`) and a
  /// colon, ASCII or full-width.
  private static func dropPrefix(_ text: Substring) -> Substring? {
    // The longest prefix has four characters, so lower-casing eight is enough and spares
    // copying a long subject on every pass.
    let lower = text.prefix(8).lowercased()
    for prefix in prefixes where lower.hasPrefix(prefix) {
      var rest = text.dropFirst(prefix.count).drop(while: { $0 == " " })
      if let open = rest.first, open == "[" || open == "(" {
        let close: Character = open == "[" ? "]" : ")"
        let counter = rest.dropFirst().prefix(while: { $0.isNumber })
        let afterCounter = rest.dropFirst(1 + counter.count)
        if !counter.isEmpty, afterCounter.first == close {
          rest = afterCounter.dropFirst().drop(while: { $0 == " " })
        }
      }
      if let colon = rest.first, colon == ":" || colon == "：" {
        return rest.dropFirst()
      }
    }
    return nil
  }

  private static func collapseWhitespace(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }
}
