/// Sanitizing and measuring text for a terminal.
///
/// Every string that comes from mail passes through `sanitize` or `sanitizeBody` before it is
/// drawn, so no control character, escape sequence or bidirectional override from a message
/// reaches the terminal. Widths follow `wcwidth` semantics but come from tables in this file,
/// because the C `wcwidth` depends on the process locale and the C library's Unicode version.
public enum TerminalText {
  /// Returns the visible text drawn in place of a bidirectional override or isolate, such as
  /// `<U+202E>`.
  public static func placeholder(for scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
  }

  /// Returns `text` as one line that is safe to draw.
  ///
  /// Escape sequences (CSI, OSC, DCS, SOS, PM, APC and two- or three-byte ESC sequences) are
  /// removed with their payloads, C0 and C1 controls and DEL are removed, and tabs, line
  /// breaks and U+2028/U+2029 become one space each. Bidirectional overrides and isolates
  /// (U+202A-U+202E, U+2066-U+2069) are replaced by a visible placeholder such as `<U+202E>`.
  /// Marks U+200E, U+200F, U+061C and the byte order mark U+FEFF are removed.
  public static func sanitize(_ text: String) -> String {
    var filter = ControlFilter(keepsLineBreaks: false)
    return filter.run(text)
  }

  /// Returns a multi-line body that is safe to draw: like `sanitize`, but keeps `\n`, turns
  /// CRLF and U+2028/U+2029 into `\n`, and expands tabs to stops every `tabWidth` cells.
  public static func sanitizeBody(_ text: String, tabWidth: Int = 8) -> String {
    var filter = ControlFilter(keepsLineBreaks: true)
    let filtered = filter.run(text)
    guard filtered.contains("\t") else { return filtered }

    return filtered.split(separator: "\n", omittingEmptySubsequences: false)
      .map { expandTabs(String($0), tabWidth: max(1, tabWidth)) }
      .joined(separator: "\n")
  }

  private static func expandTabs(_ line: String, tabWidth: Int) -> String {
    var result = ""
    var column = 0
    for character in line {
      if character == "\t" {
        let spaces = tabWidth - column % tabWidth
        result += String(repeating: " ", count: spaces)
        column += spaces
      } else {
        result.append(character)
        column += width(of: character)
      }
    }
    return result
  }
}

// MARK: - Widths

extension TerminalText {
  /// Returns the number of terminal cells that `text` takes, the sum of its characters' widths.
  ///
  /// - Complexity: O(n) in the length of `text`.
  public static func width(_ text: String) -> Int {
    var total = 0
    for character in text {
      total += width(of: character)
    }
    return total
  }

  /// Returns the cells one grapheme cluster takes: 0, 1 or 2.
  ///
  /// A cluster is one glyph, so it takes the width of its widest scalar: a letter with
  /// combining marks takes 1, and an emoji ZWJ sequence or an emoji with a skin tone takes 2.
  /// Two regional indicators (a flag) take 2, and an emoji followed by variation selector 16
  /// (U+FE0F, emoji presentation) takes 2. Controls take 0.
  public static func width(of character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if scalars.count == 1 {
      return width(ofScalar: first)
    }

    if isRegionalIndicator(first), scalars.count >= 2 {
      return 2
    }
    if first.properties.isEmoji, scalars.contains(emojiPresentationSelector) {
      return 2
    }
    var widest = 0
    for scalar in scalars {
      widest = max(widest, width(ofScalar: scalar))
    }
    return widest
  }

  /// Returns the cells one scalar takes on its own, with `wcwidth` semantics except that
  /// controls take 0 instead of -1.
  public static func width(ofScalar scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value < 0x20 || (0x7F..<0xA0).contains(value) {
      return 0
    }
    if value < 0x300 {
      // Latin-1 and Latin Extended letters; the soft hyphen U+00AD also takes one cell.
      return 1
    }
    if isZeroWidth(scalar) {
      return 0
    }
    if isRegionalIndicator(scalar) {
      // East Asian Width "N": a lone indicator takes one cell, a pair forms a flag of two.
      return 1
    }
    if isWide(value) || scalar.properties.isEmojiPresentation {
      return 2
    }
    return 1
  }

  static let emojiPresentationSelector: Unicode.Scalar = "\u{FE0F}"

  static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
    (0x1F1E6...0x1F1FF).contains(scalar.value)
  }

  /// Returns whether the scalar draws nothing of its own: combining and enclosing marks,
  /// format characters (ZWJ, ZWSP, variation selectors are Mn) and Hangul medial vowels
  /// and final consonants, which join the preceding initial consonant.
  static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) {
      return true
    }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark:
      return true
    case .format:
      return value != 0x00AD
    default:
      return false
    }
  }

  /// Returns whether the code point is East Asian Wide or Fullwidth.
  ///
  /// The table matches Python 3.11's `unicodedata.east_asian_width` (Unicode 14) on every
  /// assigned code point from U+1100 to U+3FFFF. Later additions inside the listed blocks are
  /// covered because the ranges span whole blocks.
  static func isWide(_ value: UInt32) -> Bool {
    if value < 0x1100 {
      return false
    }
    var low = 0
    var high = wideRanges.count - 1
    while low <= high {
      let middle = (low + high) / 2
      let range = wideRanges[middle]
      if value < range.lowerBound {
        high = middle - 1
      } else if value > range.upperBound {
        low = middle + 1
      } else {
        return true
      }
    }
    return false
  }

  /// Ranges of East Asian Wide and Fullwidth code points, sorted and disjoint.
  private static let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F,  // Hangul Jamo initial consonants
    0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
    0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693,
    0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE,
    0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA,
    0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728, 0x274C...0x274C,
    0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797, 0x27B0...0x27B0,
    0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
    0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols
    0x3041...0x3247,  // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun
    0x3250...0x33FF,  // enclosed CJK letters and CJK compatibility (U+3248-U+324F are ambiguous)
    0x3400...0x4DBF,  // CJK Extension A
    0x4E00...0x9FFF,  // CJK Unified Ideographs
    0xA000...0xA4CF,  // Yi
    0xA960...0xA97F,  // Hangul Jamo Extended-A
    0xAC00...0xD7A3,  // Hangul syllables
    0xF900...0xFAFF,  // CJK Compatibility Ideographs
    0xFE10...0xFE19,  // vertical forms
    0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
    0xFF00...0xFF60,  // fullwidth forms
    0xFFE0...0xFFE6,  // fullwidth signs
    0x16FE0...0x16FE4, 0x16FF0...0x16FF1,
    0x17000...0x18CFF,  // Tangut, Khitan
    0x18D00...0x18D08,
    0x1AFF0...0x1B2FF,  // Kana extended and supplement, Nushu
    0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
    0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
    0x1F260...0x1F265, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C,
    0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0,
    0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
    0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A,
    0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5,
    0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF,
    0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0,
    0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FA7C,
    0x1FA80...0x1FA88, 0x1FA90...0x1FABD, 0x1FABF...0x1FAC5, 0x1FACE...0x1FADB,
    0x1FAE0...0x1FAE8, 0x1FAF0...0x1FAF8,
    0x20000...0x2FFFD,  // CJK Extensions B-F and supplement
    0x30000...0x3FFFD,  // CJK Extension G and later
  ]
}

// MARK: - Fitting text into cells

extension TerminalText {
  /// Returns the longest prefix of `text` that fits in `maxWidth` cells, followed by
  /// `ellipsis` when something was cut. Never splits a grapheme cluster, so the result can
  /// be one cell narrower than `maxWidth` when a wide character would straddle the limit.
  public static func truncate(_ text: String, toWidth maxWidth: Int, ellipsis: String = "")
    -> String
  {
    guard maxWidth > 0 else { return "" }
    if width(text) <= maxWidth {
      return text
    }

    let ellipsisWidth = width(ellipsis)
    let marker = ellipsisWidth <= maxWidth ? ellipsis : ""
    let budget = maxWidth - width(marker)
    var result = ""
    var used = 0
    for character in text {
      let characterWidth = width(of: character)
      if used + characterWidth > budget {
        break
      }
      result.append(character)
      used += characterWidth
    }
    return result + marker
  }

  /// Returns `text` truncated to `targetWidth` cells and padded with spaces to exactly that
  /// width.
  public static func pad(_ text: String, toWidth targetWidth: Int, ellipsis: String = "")
    -> String
  {
    guard targetWidth > 0 else { return "" }
    let fitted = truncate(text, toWidth: targetWidth, ellipsis: ellipsis)
    return fitted + String(repeating: " ", count: targetWidth - width(fitted))
  }

  /// Returns `text` right-aligned in exactly `targetWidth` cells, truncated when longer.
  public static func padLeft(_ text: String, toWidth targetWidth: Int) -> String {
    guard targetWidth > 0 else { return "" }
    let fitted = truncate(text, toWidth: targetWidth)
    return String(repeating: " ", count: targetWidth - width(fitted)) + fitted
  }

  /// Splits a sanitized body into lines of at most `maxWidth` cells.
  ///
  /// Lines break at `\n`, then at the last space that fits. A word wider than the line is
  /// cut at a grapheme cluster boundary. Trailing spaces of a wrapped line are dropped.
  public static func wrap(_ text: String, toWidth maxWidth: Int) -> [String] {
    guard maxWidth > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lines += wrapLine(String(paragraph), toWidth: maxWidth)
    }
    return lines
  }

  private static func wrapLine(_ line: String, toWidth maxWidth: Int) -> [String] {
    var lines: [String] = []
    var current: [Character] = []
    var currentWidth = 0
    // Index in `current` just after the last space, where the line can break.
    var breakIndex: Int?

    for character in line {
      let characterWidth = width(of: character)
      if currentWidth + characterWidth > maxWidth, !current.isEmpty {
        if character == " " {
          // The space itself is the break: end the line without it.
          lines.append(trimmingTrailingSpaces(current))
          current = []
          currentWidth = 0
          breakIndex = nil
          continue
        }
        let cut = breakIndex ?? current.count
        lines.append(trimmingTrailingSpaces(Array(current[..<cut])))
        current = Array(current[cut...])
        currentWidth = current.reduce(0) { $0 + width(of: $1) }
        breakIndex = nil
      }
      current.append(character)
      currentWidth += characterWidth
      if character == " " {
        breakIndex = current.count
      }
    }
    lines.append(trimmingTrailingSpaces(current))
    return lines
  }

  private static func trimmingTrailingSpaces(_ characters: [Character]) -> String {
    var end = characters.count
    while end > 0, characters[end - 1] == " " {
      end -= 1
    }
    return String(characters[..<end])
  }
}

// MARK: - Control filter

/// A state machine over Unicode scalars that drops escape sequences and controls.
///
/// It follows ECMA-48 as xterm reads it: CSI ends at a final byte 0x40-0x7E, OSC ends at BEL
/// or ST, and DCS, SOS, PM and APC end at ST, where ST is `ESC \` or C1 0x9C. A sequence that
/// never ends swallows the rest of the text, as it would on a terminal.
private struct ControlFilter {
  enum State {
    case text
    /// After ESC, waiting for the byte that selects the sequence type.
    case escape
    /// After ESC and one or more intermediate bytes 0x20-0x2F.
    case escapeIntermediate
    case controlSequence
    case commandString(endsAtBell: Bool)
    /// Inside a command string, after an ESC that may start ST.
    case commandStringEscape
  }

  let keepsLineBreaks: Bool
  var state = State.text
  var output = String.UnicodeScalarView()
  var previousWasCarriageReturn = false

  init(keepsLineBreaks: Bool) {
    self.keepsLineBreaks = keepsLineBreaks
  }

  mutating func run(_ text: String) -> String {
    for scalar in text.unicodeScalars {
      consume(scalar)
    }
    return String(output)
  }

  private mutating func consume(_ scalar: Unicode.Scalar) {
    let value = scalar.value
    switch state {
    case .text:
      consumeText(scalar)
    case .escape:
      consumeAfterEscape(scalar)
    case .escapeIntermediate:
      if (0x20...0x2F).contains(value) {
        return
      }
      state = .text
      if !(0x30...0x7E).contains(value) {
        // Not a valid final byte: the sequence is broken, so read this scalar as text.
        consumeText(scalar)
      }
    case .controlSequence:
      if (0x20...0x3F).contains(value) {
        return
      }
      state = .text
      if !(0x40...0x7E).contains(value) {
        consumeText(scalar)
      }
    case .commandString(let endsAtBell):
      if value == 0x1B {
        state = .commandStringEscape
      } else if value == 0x9C || (endsAtBell && value == 0x07) {
        state = .text
      }
    case .commandStringEscape:
      if value == 0x5C {
        state = .text
      } else {
        // xterm cancels the string at an ESC that does not form ST and starts a new sequence.
        state = .escape
        consumeAfterEscape(scalar)
      }
    }
  }

  private mutating func consumeText(_ scalar: Unicode.Scalar) {
    let value = scalar.value
    let wasCarriageReturn = previousWasCarriageReturn
    previousWasCarriageReturn = value == 0x0D

    switch value {
    case 0x1B:
      state = .escape
    case 0x0A:
      if keepsLineBreaks || !wasCarriageReturn {
        appendLineBreak()
      }
    case 0x0D:
      // CRLF counts once; a lone CR would move the cursor back over drawn text.
      if !keepsLineBreaks {
        appendLineBreak()
      }
    case 0x09:
      output.append(keepsLineBreaks ? "\t" : " ")
    case 0x2028, 0x2029:
      appendLineBreak()
    case 0x9B:
      state = .controlSequence
    case 0x9D:
      state = .commandString(endsAtBell: true)
    case 0x90, 0x98, 0x9E, 0x9F:
      state = .commandString(endsAtBell: false)
    case 0x00..<0x20, 0x7F..<0xA0:
      break
    case 0x202A...0x202E, 0x2066...0x2069:
      output.append(contentsOf: TerminalText.placeholder(for: scalar).unicodeScalars)
    case 0x200E, 0x200F, 0x061C, 0xFEFF:
      break
    default:
      output.append(scalar)
    }
  }

  private mutating func consumeAfterEscape(_ scalar: Unicode.Scalar) {
    switch scalar.value {
    case 0x5B:  // [
      state = .controlSequence
    case 0x5D:  // ]
      state = .commandString(endsAtBell: true)
    case 0x50, 0x58, 0x5E, 0x5F:  // P, X, ^, _
      state = .commandString(endsAtBell: false)
    case 0x20...0x2F:
      state = .escapeIntermediate
    case 0x30...0x7E:
      state = .text
    case 0x1B:
      state = .escape
    default:
      // ESC followed by a control or non-ASCII: drop the ESC, keep reading the rest as text.
      state = .text
      consumeText(scalar)
    }
  }

  private mutating func appendLineBreak() {
    output.append(keepsLineBreaks ? "\n" : " ")
  }
}
