import KithCore

/// A one-line text field for prompts in the status line: typing inserts at the cursor,
/// Backspace deletes before it, Left, Right, Home and End (or Ctrl-a and Ctrl-e) move it,
/// Ctrl-u deletes everything before it, Enter submits and Esc cancels.
struct LineEditor: Hashable {
  /// The effect of one key on the field.
  enum Outcome: Hashable {
    case editing
    case submitted(String)
    case cancelled
  }

  private(set) var characters: [Character]
  /// The index in `characters` before which typing inserts; `characters.count` is the end.
  private(set) var cursor: Int

  /// Creates a field that contains `text`, with the cursor at its end.
  init(text: String = "") {
    characters = Array(text)
    cursor = characters.count
  }

  var text: String { String(characters) }

  /// Applies one key. Keys the field does not use leave it unchanged.
  mutating func handle(_ key: Key) -> Outcome {
    switch key {
    case .enter:
      return .submitted(text)
    case .escape:
      return .cancelled
    case .character(let character):
      characters.insert(character, at: cursor)
      cursor += 1
    case .backspace:
      if cursor > 0 {
        characters.remove(at: cursor - 1)
        cursor -= 1
      }
    case .left:
      cursor = max(0, cursor - 1)
    case .right:
      cursor = min(characters.count, cursor + 1)
    case .home, .control("a"):
      cursor = 0
    case .end, .control("e"):
      cursor = characters.count
    case .control("u"):
      characters.removeFirst(cursor)
      cursor = 0
    default:
      break
    }
    return .editing
  }

  /// Returns the part of the text that fits in `width` cells with the cursor visible, and the
  /// cursor's column within it. The text scrolls left once the cursor would pass the right
  /// edge, keeping one cell free for the cursor at the end. Each character is sanitized, so a
  /// pasted escape or bidirectional override shows as text and is not obeyed.
  func visibleLine(width: Int) -> (text: String, cursorColumn: Int) {
    guard width > 0 else { return ("", 0) }
    let pieces = characters.map { TerminalText.sanitize(String($0)) }
    let widths = pieces.map { TerminalText.width($0) }

    var start = 0
    var widthBeforeCursor = widths[0..<cursor].reduce(0, +)
    while start < cursor, widthBeforeCursor + 1 > width {
      widthBeforeCursor -= widths[start]
      start += 1
    }

    var text = ""
    var used = 0
    for index in start..<pieces.count {
      if used + widths[index] > width { break }
      text += pieces[index]
      used += widths[index]
    }
    return (text, widthBeforeCursor)
  }
}
