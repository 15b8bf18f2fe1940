/// A pane of the browser; the cases run left to right.
public enum BrowserPane: Int, CaseIterable, Sendable {
  case contacts, threads, messages

  var title: String {
    switch self {
    case .contacts: return "Contacts"
    case .threads: return "Threads"
    case .messages: return "Messages"
    }
  }
}

/// The columns one pane takes on screen. All panes share the same rows.
struct PaneFrame: Hashable {
  var pane: BrowserPane
  var column: Int
  var width: Int
}

/// The split of the screen into panes and the status line.
///
/// Row 0 contains the pane titles, rows 1 to `rows - 2` the pane contents and the last row the
/// status line. A terminal narrower than `narrowWidthLimit` shows only the focused pane.
struct BrowserLayout: Hashable {
  static let narrowWidthLimit = 80
  /// The smallest screen on which panes are drawn; smaller ones show only a notice.
  static let minimumSize = ScreenSize(rows: 4, columns: 20)

  var size: ScreenSize

  var isNarrow: Bool { size.columns < Self.narrowWidthLimit }
  var isTooSmall: Bool {
    size.rows < Self.minimumSize.rows || size.columns < Self.minimumSize.columns
  }
  var titleRow: Int { 0 }
  var firstContentRow: Int { 1 }
  var contentRows: Int { max(0, size.rows - 2) }
  var statusRow: Int { size.rows - 1 }

  /// Returns the frames of the visible panes, left to right. Panes are separated by one
  /// column, which is not part of any frame.
  func frames(focus: BrowserPane) -> [PaneFrame] {
    let columns = size.columns
    if isNarrow {
      return [PaneFrame(pane: focus, column: 0, width: columns)]
    }
    // Contacts get about a quarter, threads a third, the message pane the rest (>= 40 %).
    let contactsWidth = columns * 26 / 100
    let threadsWidth = columns * 34 / 100
    let messagesColumn = contactsWidth + 1 + threadsWidth + 1
    return [
      PaneFrame(pane: .contacts, column: 0, width: contactsWidth),
      PaneFrame(pane: .threads, column: contactsWidth + 1, width: threadsWidth),
      PaneFrame(pane: .messages, column: messagesColumn, width: columns - messagesColumn),
    ]
  }
}
