import Foundation
import KithCore

internal import CCurses

/// A `Screen` on the process's terminal through ncursesw.
///
/// Only one may be open at a time because curses keeps global state. `close()` restores the
/// terminal; `TerminalGuard` restores it when a signal ends the process instead.
public final class CursesScreen: Screen {
  private var isOpen = false
  private var attributesByRole: [StyleRole: Int32] = [:]
  /// Consecutive reads that failed well before their timeout.
  private var earlyTimeouts = 0

  /// Whether the theme's colors are in use; false when the terminal has fewer than 8 colors.
  public private(set) var usesColor = false

  /// Starts curses: the user's locale for wide characters, cbreak mode so that Ctrl-C still
  /// raises SIGINT, no echo, keypad decoding and a hidden cursor.
  ///
  /// - Throws: `KithError` with `.configuration` when standard input or output is not a
  ///   terminal or curses cannot start on it (TERM unset or unknown).
  public init(theme: Theme) throws {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      throw KithError(.configuration, "The browser needs a terminal: run kith in an interactive shell, not with redirected input or output.")
    }
    _ = kith_curses_set_locale()
    guard kith_curses_open() == 1 else {
      let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
      throw KithError(.configuration, "Failed to start the terminal UI for TERM=\(term): set TERM to a terminal type that terminfo knows, such as xterm-256color.")
    }
    isOpen = true

    cbreak()
    noecho()
    nonl()
    keypad(kith_curses_stdscr(), true)
    _ = curs_set(0)
    // Escape sequences from the terminal arrive within a few milliseconds; ncurses' default
    // of 1000 ms would make the Esc key feel stuck.
    _ = set_escdelay(25)
    setUpColors(theme: theme)
  }

  deinit {
    close()
  }

  /// Restores the terminal; safe to call more than once.
  public func close() {
    guard isOpen else { return }
    isOpen = false
    endwin()
  }

  // MARK: Screen

  public var size: ScreenSize {
    ScreenSize(rows: Int(kith_curses_lines()), columns: Int(kith_curses_cols()))
  }

  public func clear() {
    let textAttributes = attributesByRole[.text] ?? 0
    kith_curses_set_background(textAttributes)
    kith_curses_set_attributes(textAttributes)
    werase(kith_curses_stdscr())
  }

  public func refresh() {
    wrefresh(kith_curses_stdscr())
  }

  public func repaintAll() {
    kith_curses_force_repaint()
  }

  /// Draws `text` one grapheme cluster at a time at the columns `TerminalText` computes.
  /// Clusters of width 0 are skipped, and they include every control character and
  /// bidirectional control, so even unsanitized text cannot move the cursor or restyle.
  public func draw(_ text: String, row: Int, column: Int, style: StyleRole) {
    let screenSize = size
    guard (0..<screenSize.rows).contains(row), column >= 0 else { return }
    kith_curses_set_attributes(attributesByRole[style] ?? 0)

    var position = column
    for character in text {
      let width = TerminalText.width(of: character)
      if width == 0 {
        continue
      }
      if position + width > screenSize.columns {
        break
      }
      var wide = wideCharacters(for: character, width: width)
      wide.append(0)
      _ = kith_curses_draw(Int32(row), Int32(position), wide, Int32(wide.count - 1))
      position += width
    }
  }

  public func readEvent(timeoutMilliseconds: Int) -> InputEvent {
    var code: Int32 = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let kind = kith_curses_read_key(Int32(clamping: timeoutMilliseconds), &code)
    if kind == 0 {
      return timeoutOrEndOfInput(since: start, timeoutMilliseconds: timeoutMilliseconds)
    }
    earlyTimeouts = 0

    switch kind {
    case 1:
      guard let key = Key.fromCharacterCode(UInt32(bitPattern: code)) else { return .timeout }
      return .key(key)
    case 2:
      if code == kith_curses_key_resize() {
        return .resize
      }
      return Self.functionKey(code).map { .key($0) } ?? .timeout
    default:
      return .timeout
    }
  }

  // MARK: Helpers

  /// Tells a timeout from closed input. wget_wch returns ERR for both, but at end of input
  /// (the terminal went away while SIGHUP is ignored) it returns at once. Twenty early
  /// returns in a row count as the end, so a signal that cuts one wait short does not.
  private func timeoutOrEndOfInput(since start: UInt64, timeoutMilliseconds: Int) -> InputEvent {
    let elapsedMilliseconds = (DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
    guard timeoutMilliseconds >= 100, elapsedMilliseconds < UInt64(timeoutMilliseconds / 2) else {
      earlyTimeouts = 0
      return .timeout
    }
    earlyTimeouts += 1
    return earlyTimeouts >= 20 ? .endOfInput : .timeout
  }

  /// Returns the wide characters to hand to ncurses for one grapheme cluster.
  ///
  /// ncurses lays out its screen model with the C library's `wcwidth`, scalar by scalar,
  /// which counts a ZWJ family as 6 cells and a heart with VS16 as 1, while `TerminalText`
  /// counts the glyph. When the two disagree, drawing the cluster would shift every later
  /// cell, so this draws the first scalar padded with spaces to `width` instead, or `?`.
  /// NOTE: terminals also disagree on these clusters, so this substitution keeps the layout
  /// right at the cost of showing, for example, one person instead of a family.
  private func wideCharacters(for character: Character, width: Int) -> [wchar_t] {
    let scalars = Array(character.unicodeScalars)
    var libraryWidth = 0
    for scalar in scalars {
      let scalarWidth = Int(kith_curses_character_width(Int32(bitPattern: scalar.value)))
      if scalarWidth < 0 {
        return [wchar_t(UInt8(ascii: "?"))] + Array(repeating: wchar_t(32), count: width - 1)
      }
      libraryWidth += scalarWidth
    }
    if libraryWidth == width {
      return scalars.map { wchar_t(bitPattern: $0.value) }
    }

    let first = scalars[0]
    let firstWidth = Int(kith_curses_character_width(Int32(bitPattern: first.value)))
    if firstWidth >= 1, firstWidth <= width {
      let padding = Array(repeating: wchar_t(32), count: width - firstWidth)
      return [wchar_t(bitPattern: first.value)] + padding
    }
    return [wchar_t(UInt8(ascii: "?"))] + Array(repeating: wchar_t(32), count: width - 1)
  }

  private static func functionKey(_ code: Int32) -> Key? {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_BTAB: return .backTab
    case KEY_ENTER: return .enter
    case KEY_BACKSPACE: return .backspace
    case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
    default: return nil
    }
  }

  /// Sets up one color pair per role, or attributes only when colors are missing.
  private func setUpColors(theme: Theme) {
    var colorCount = 0
    if has_colors() && theme.usesColor {
      // COLORS is only set once start_color has run.
      start_color()
      _ = use_default_colors()
      colorCount = Int(kith_curses_colors())
    }
    usesColor = colorCount >= 8
    // A theme without colors keeps its own attributes; a color theme on a terminal with
    // fewer than 8 colors falls back to the monochrome theme.
    let effectiveTheme = usesColor || !theme.usesColor ? theme : Theme.monochrome

    for (offset, role) in StyleRole.allCases.enumerated() {
      let style = effectiveTheme.style(for: role)
      var attributes: Int32 = 0
      if usesColor {
        let pair = Int32(offset + 1)
        let foreground = Self.cursesColor(style.foreground, colorCount: colorCount)
        let background = Self.cursesColor(style.background, colorCount: colorCount)
        init_pair(Int16(pair), foreground, background)
        attributes |= kith_curses_color_pair(pair)
      }
      for attribute in style.attributes {
        attributes |= Self.cursesAttribute(attribute)
      }
      attributesByRole[role] = attributes
    }
  }

  /// Maps a theme color to a curses color number; -1 is the terminal's default color.
  /// Bright colors 8-15 fall back to 0-7 on an 8-color terminal, other numbers past the
  /// palette to the default.
  private static func cursesColor(_ color: ThemeColor, colorCount: Int) -> Int16 {
    switch color {
    case .terminalDefault:
      return -1
    case .index(let index) where index < colorCount:
      return Int16(index)
    case .index(let index) where index < 16:
      return Int16(index - 8)
    case .index:
      return -1
    }
  }

  private static func cursesAttribute(_ attribute: ThemeAttribute) -> Int32 {
    switch attribute {
    case .bold: return kith_curses_attr_bold()
    case .reverse: return kith_curses_attr_reverse()
    case .underline: return kith_curses_attr_underline()
    case .dim: return kith_curses_attr_dim()
    }
  }
}
