/// Undoes the soft line breaks of format=flowed text (RFC 3676).
enum FlowedText {
  /// Joins each line that ends in a space with the next line of the same quote depth and
  /// removes space-stuffing. With `deletesSpace` (delsp=yes) the space before a soft break
  /// is removed too. The signature separator "-- " is never joined.
  static func unwrap(_ text: String, deletesSpace: Bool) -> String {
    var output: [String] = []
    var paragraph: String? = nil
    var paragraphDepth = 0

    for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = Substring(rawLine)
      var depth = 0
      while line.first == ">" {
        depth += 1
        line = line.dropFirst()
      }
      if line.first == " " { line = line.dropFirst() }
      let quote = depth > 0 ? String(repeating: ">", count: depth) + " " : ""

      if let open = paragraph, depth != paragraphDepth {
        output.append(open)
        paragraph = nil
      }
      let isSoft = line.hasSuffix(" ") && line != "-- "
      var content = String(line)
      if isSoft && deletesSpace { content.removeLast() }

      let joined = (paragraph ?? quote) + content
      if isSoft {
        paragraph = joined
        paragraphDepth = depth
      } else {
        output.append(joined)
        paragraph = nil
      }
    }
    if let open = paragraph { output.append(open) }
    return output.joined(separator: "\n")
  }
}
