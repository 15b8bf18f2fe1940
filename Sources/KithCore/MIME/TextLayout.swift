/// Lines of plain text built from words, line breaks and block boundaries, the output side of
/// HTML to text. It adds quote prefixes and list indentation to each line it starts.
struct TextLayout {
  private var lines: [String] = []
  private var current = ""
  private var hasCurrentLine = false
  private var hasPendingSpace = false
  private var hasPendingBlankLine = false
  /// The smallest quote depth since the empty line was requested, which decides its prefix,
  /// so that the line between a paragraph and a quote is not itself quoted.
  private var pendingBlankLineDepth = 0

  /// The number of enclosing block quotes; each adds "> " before a line.
  var quoteDepth = 0
  /// Spaces before each new line, for list items.
  var indent = ""
  /// A list marker ("- ", "3. ") that the next line starts with, after `indent`.
  var pendingBullet: String?
  /// The indent that replaces `indent` once the pending bullet has been written.
  var continuationIndent = ""

  /// Whether no text has been written since the last block boundary.
  var isAtLineStart: Bool { !hasCurrentLine }

  /// Appends text with runs of white space collapsed to one space, as HTML renders it.
  mutating func appendWords(_ text: String) {
    // Appends each run of scalars that are neither spaces nor ignorable in one step,
    // because appending scalar by scalar was most of the time spent on HTML mail.
    let scalars = text.unicodeScalars
    var index = scalars.startIndex
    while index < scalars.endIndex {
      let scalar = scalars[index]
      if Self.isIgnorable(scalar) {
        index = scalars.index(after: index)
        continue
      }
      if Self.isCollapsibleSpace(scalar) {
        hasPendingSpace = true
        index = scalars.index(after: index)
        continue
      }
      if !hasCurrentLine {
        startLine()
      } else if hasPendingSpace {
        current.append(" ")
      }
      hasPendingSpace = false
      let runEnd = scalars[index...].firstIndex { Self.isIgnorable($0) || Self.isCollapsibleSpace($0) }
        ?? scalars.endIndex
      current.unicodeScalars.append(contentsOf: scalars[index..<runEnd])
      index = runEnd
    }
  }

  /// Appends text as is, starting a new line at each line feed (for `pre`).
  mutating func appendPreformatted(_ text: String) {
    var isFirst = true
    for segment in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if !isFirst { lineBreak() }
      isFirst = false
      let cleaned = segment.replacingOccurrences(of: "\r", with: "")
      if cleaned.isEmpty { continue }
      if !hasCurrentLine {
        startLine()
      } else if hasPendingSpace {
        current.append(" ")
      }
      hasPendingSpace = false
      current.append(cleaned)
    }
  }

  /// Ends the current line; on an empty line, adds an empty line (as consecutive `br` do).
  mutating func lineBreak() {
    if !hasCurrentLine { startLine() }
    finishLine()
  }

  /// Ends the current line at a block boundary; with `blank`, the next block starts after an
  /// empty line.
  mutating func endBlock(blank: Bool) {
    if hasCurrentLine { finishLine() }
    hasPendingSpace = false
    if blank {
      pendingBlankLineDepth = hasPendingBlankLine ? min(pendingBlankLineDepth, quoteDepth) : quoteDepth
      hasPendingBlankLine = true
    }
  }

  /// Returns the text: trailing spaces removed, runs of empty lines collapsed to one, and no
  /// empty lines at the start or end.
  mutating func finish() -> String {
    if hasCurrentLine { finishLine() }
    var result: [String] = []
    var previousWasBlank = true
    for line in lines {
      let trimmed = Self.trimTrailingSpace(line)
      let isBlank = trimmed.allSatisfy { $0 == ">" || $0 == " " }
      if isBlank && previousWasBlank { continue }
      result.append(trimmed)
      previousWasBlank = isBlank
    }
    while let last = result.last, last.allSatisfy({ $0 == ">" || $0 == " " }) {
      result.removeLast()
    }
    return result.joined(separator: "\n")
  }

  private mutating func startLine() {
    if hasPendingBlankLine && !lines.isEmpty {
      lines.append(String(repeating: "> ", count: min(pendingBlankLineDepth, quoteDepth)))
    }
    hasPendingBlankLine = false
    current = quotePrefix + indent
    if let bullet = pendingBullet {
      current += bullet
      indent = continuationIndent
      pendingBullet = nil
    }
    hasCurrentLine = true
    hasPendingSpace = false
  }

  private mutating func finishLine() {
    lines.append(current)
    current = ""
    hasCurrentLine = false
    hasPendingSpace = false
  }

  private var quotePrefix: String { String(repeating: "> ", count: quoteDepth) }

  private static func trimTrailingSpace(_ line: String) -> String {
    var end = line.endIndex
    while end > line.startIndex {
      let before = line.index(before: end)
      guard line[before] == " " || line[before] == "\t" else { break }
      end = before
    }
    return String(line[..<end])
  }

  /// HTML white space plus the no-break space, which newsletters use for layout.
  private static func isCollapsibleSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09, 0x0A, 0x0C, 0x0D, 0xA0: return true
    default: return false
    }
  }

  /// Invisible characters that newsletters pad preview text with: zero-width space, joiners,
  /// byte order mark, combining grapheme joiner and soft hyphen.
  private static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x200B, 0x200C, 0x200D, 0xFEFF, 0x034F, 0x00AD: return true
    default: return false
    }
  }
}
