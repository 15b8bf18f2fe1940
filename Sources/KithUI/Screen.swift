import KithCore

/// The size of a screen in character cells.
public struct ScreenSize: Hashable, Sendable {
  public var rows: Int
  public var columns: Int

  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
  }
}

/// The role of a piece of text on screen. A theme maps each role to colors and attributes.
public enum StyleRole: String, CaseIterable, Sendable {
  case text
  case paneTitle = "pane-title"
  case paneTitleFocused = "pane-title-focused"
  case selection
  case selectionInactive = "selection-inactive"
  case unread
  case separator
  case messageHeader = "message-header"
  case status
  case statusError = "status-error"
  case help
}

/// One input event from the terminal.
public enum InputEvent: Hashable, Sendable {
  case key(Key)
  /// The terminal changed size; `Screen.size` already returns the new size.
  case resize
  /// No key arrived within the timeout.
  case timeout
  /// Input ended and no key will ever come again; the app should quit.
  case endOfInput
}

/// A grid of character cells that the app draws on.
///
/// Callers pass sanitized text (see `TerminalText.sanitize`). Drawing clips at the right
/// edge of the screen and never wraps. Implementations are not thread-safe: one thread draws.
public protocol Screen: AnyObject {
  var size: ScreenSize { get }

  /// Fills the whole screen with blanks in the `text` style.
  func clear()

  /// Draws `text` starting at `row`, `column` (zero-based), clipped at the right edge.
  /// A wide character that does not fit before the edge is left out.
  func draw(_ text: String, row: Int, column: Int, style: StyleRole)

  /// Makes everything drawn since the last refresh visible.
  func refresh()

  /// Waits up to `timeoutMilliseconds` for input; a negative timeout waits forever.
  func readEvent(timeoutMilliseconds: Int) -> InputEvent

  /// Makes the next `refresh` repaint every cell instead of only the changed ones.
  func repaintAll()
}

extension Screen {
  public func repaintAll() {}
}
