import KithCore

extension BrowserApp {
  /// Whether the user is reading the selected thread: the message pane shows it while the
  /// threads or messages pane has the focus. A thread shown only while the user moves
  /// through contacts does not count, so scanning contacts marks nothing read.
  var isReadingSelectedThread: Bool {
    guard selectedThreadSummary != nil else { return false }
    switch focus {
    case .contacts:
      return false
    case .threads:
      // A narrow terminal shows only the focused pane, so the messages are not on screen.
      return !BrowserLayout(size: screen.size).isNarrow
    case .messages:
      return true
    }
  }

  /// Marks the unread messages of the thread the user is reading as read, then reloads so
  /// the unread marks and counts in the contacts and threads panes follow.
  func markShownThreadSeen() {
    guard isReadingSelectedThread, !isShowingHelp else { return }
    let unread = messages.filter { !$0.isSeen }.map(\.id)
    guard !unread.isEmpty else { return }

    do {
      try data.markSeen(unread)
    } catch {
      report(
        error, while: "mark messages read",
        metadata: ["message.count": "\(unread.count)"])
      return
    }
    reloadData()
  }
}
