import KithCore

extension BrowserApp {
  /// Draws the whole screen from the current state and refreshes it.
  public func draw() {
    let layout = BrowserLayout(size: screen.size)
    screen.clear()
    defer { screen.refresh() }

    if layout.isTooSmall {
      screen.draw("Terminal too small", row: 0, column: 0, style: .statusError)
      return
    }
    if isShowingHelp {
      drawHelp(layout: layout)
    } else {
      drawPanes(layout: layout)
    }
    drawStatus(layout: layout)
  }

  private func drawPanes(layout: BrowserLayout) {
    let frames = layout.frames(focus: focus)
    for frame in frames {
      let titleStyle: StyleRole = frame.pane == focus ? .paneTitleFocused : .paneTitle
      let title = TerminalText.pad(" " + paneTitle(frame.pane), toWidth: frame.width, ellipsis: "…")
      screen.draw(title, row: layout.titleRow, column: frame.column, style: titleStyle)

      switch frame.pane {
      case .contacts: drawContacts(in: frame, layout: layout)
      case .threads: drawThreads(in: frame, layout: layout)
      case .messages: drawMessages(in: frame, layout: layout)
      }
    }
    for frame in frames.dropFirst() {
      for row in 0..<(layout.size.rows - 1) {
        screen.draw("│", row: row, column: frame.column - 1, style: .separator)
      }
    }
  }

  private func paneTitle(_ pane: BrowserPane) -> String {
    switch pane {
    case .contacts:
      return "Contacts (\(contacts.count))"
    case .threads:
      let name = selectedContactSummary.map { TerminalText.sanitize($0.name) } ?? ""
      return name.isEmpty ? "Threads" : "Threads: \(name)"
    case .messages:
      let subject = selectedThreadSummary.map { TerminalText.sanitize($0.subject) } ?? ""
      return subject.isEmpty ? "Messages" : subject
    }
  }

  // MARK: Lists

  private func drawContacts(in frame: PaneFrame, layout: BrowserLayout) {
    contactCursor.scrollToSelection(visibleRows: layout.contentRows)
    let showsDate = frame.width >= 36
    drawList(
      cursor: contactCursor, count: contacts.count, emptyText: "No contacts", frame: frame,
      layout: layout, isFocused: focus == .contacts
    ) { index in
      let contact = self.contacts[index]
      var left = TerminalText.sanitize(contact.name)
      if let company = contact.companyName, !company.isEmpty {
        left += " · " + TerminalText.sanitize(company)
      }
      // "2/9" is 2 unread of 9 messages.
      var right = contact.unreadCount > 0
        ? "\(contact.unreadCount)/\(contact.messageCount)" : "\(contact.messageCount)"
      if showsDate, let date = contact.lastMessageDate {
        right += " " + self.dates.short(date, now: self.now())
      }
      return (left, right, contact.unreadCount > 0)
    }
  }

  private func drawThreads(in frame: PaneFrame, layout: BrowserLayout) {
    threadCursor.scrollToSelection(visibleRows: layout.contentRows)
    let showsDate = frame.width >= 30
    drawList(
      cursor: threadCursor, count: threads.count, emptyText: "No threads", frame: frame,
      layout: layout, isFocused: focus == .threads
    ) { index in
      let thread = self.threads[index]
      var left = TerminalText.sanitize(thread.subject.isEmpty ? "(no subject)" : thread.subject)
      if thread.messageCount > 1 {
        left += " (\(thread.messageCount))"
      }
      if !thread.participants.isEmpty {
        let names = thread.participants.map(TerminalText.sanitize).joined(separator: ", ")
        left += " — " + names
      }
      var right = ""
      if showsDate, let date = thread.lastMessageDate {
        right = self.dates.short(date, now: self.now())
      }
      return (left, right, thread.unreadCount > 0)
    }
  }

  /// Draws the visible rows of a list: an unread mark, the left text, and the right text
  /// aligned to the pane's edge. Each row fills the pane's width so the selection bar does.
  private func drawList(
    cursor: ListCursor, count: Int, emptyText: String, frame: PaneFrame, layout: BrowserLayout,
    isFocused: Bool, row rowContent: (Int) -> (left: String, right: String, isUnread: Bool)
  ) {
    if count == 0 {
      screen.draw(
        TerminalText.truncate(" " + emptyText, toWidth: frame.width), row: layout.firstContentRow,
        column: frame.column, style: .text)
      return
    }
    for offset in 0..<layout.contentRows {
      let index = cursor.top + offset
      guard index < count else { break }
      let content = rowContent(index)
      let text = Self.listRowText(
        left: content.left, right: content.right, isUnread: content.isUnread, width: frame.width)

      let style: StyleRole
      if index == cursor.selected {
        style = isFocused ? .selection : .selectionInactive
      } else {
        style = content.isUnread ? .unread : .text
      }
      screen.draw(text, row: layout.firstContentRow + offset, column: frame.column, style: style)
    }
  }

  static func listRowText(left: String, right: String, isUnread: Bool, width: Int) -> String {
    let mark = isUnread ? "*" : " "
    let rightWidth = TerminalText.width(right)
    if right.isEmpty {
      return TerminalText.pad(mark + left, toWidth: width, ellipsis: "…")
    }
    // Keep at least 8 cells for the left text; drop the right part when the pane is narrower.
    if width - rightWidth - 2 < 8 {
      return TerminalText.pad(mark + left, toWidth: width, ellipsis: "…")
    }
    let leftPart = TerminalText.pad(mark + left, toWidth: width - rightWidth - 1, ellipsis: "…")
    return leftPart + " " + right
  }

  // MARK: Message pane

  private func drawMessages(in frame: PaneFrame, layout: BrowserLayout) {
    guard selectedThreadSummary != nil else {
      screen.draw(
        TerminalText.truncate(" No thread selected", toWidth: frame.width),
        row: layout.firstContentRow, column: frame.column, style: .text)
      return
    }
    // One column of margin on the left keeps the text off the pane separator.
    let textWidth = max(1, frame.width - 1)
    let lines = messageLines(width: textWidth)
    messageScrollLimit = max(0, lines.count - layout.contentRows)
    messageScroll = min(messageScroll, messageScrollLimit)

    for offset in 0..<layout.contentRows {
      let index = messageScroll + offset
      guard index < lines.count else { break }
      screen.draw(
        lines[index].text, row: layout.firstContentRow + offset, column: frame.column + 1,
        style: lines[index].style)
    }
  }

  private func messageLines(width: Int) -> [StyledLine] {
    if let cache = messageLinesCache, cache.width == width, cache.expandAll == isExpandingAll {
      return cache.lines
    }
    let lines = MessageText.lines(
      for: messages, width: width, expandAll: isExpandingAll, dates: dates, now: now())
    messageLinesCache = (width, isExpandingAll, lines)
    return lines
  }

  // MARK: Help and status

  /// Returns the help screen's lines: one per binding, its keys then its description.
  func helpLines(width: Int) -> [String] {
    let keyColumnWidth = 26
    return keymap.bindings.map { binding in
      let keys = binding.keys.map(\.displayName).joined(separator: ", ")
      let keyColumn = TerminalText.pad("  " + keys, toWidth: keyColumnWidth)
      return TerminalText.truncate(keyColumn + binding.description, toWidth: width, ellipsis: "…")
    }
  }

  private func drawHelp(layout: BrowserLayout) {
    let width = layout.size.columns
    let title = TerminalText.pad(" Keys (press ? or q to close)", toWidth: width)
    screen.draw(title, row: layout.titleRow, column: 0, style: .paneTitleFocused)

    let lines = helpLines(width: width)
    helpCursor.count = max(1, lines.count - layout.contentRows + 1)
    let top = helpCursor.selected
    for offset in 0..<layout.contentRows {
      let index = top + offset
      guard index < lines.count else { break }
      screen.draw(lines[index], row: layout.firstContentRow + offset, column: 0, style: .help)
    }
  }

  private func drawStatus(layout: BrowserLayout) {
    if let prompt {
      drawPrompt(prompt, layout: layout)
      return
    }
    let width = layout.size.columns
    let hint = statusHint()
    let left: String
    let style: StyleRole
    if let notice {
      left = TerminalText.sanitize(notice.text)
      style = notice.isError ? .statusError : .status
    } else if let errorMessage {
      left = TerminalText.sanitize(errorMessage)
      style = .statusError
    } else {
      left = TerminalText.sanitize(statusProvider())
      style = .status
    }
    let text = Self.listRowText(left: left, right: hint, isUnread: false, width: width)
    screen.draw(text, row: layout.statusRow, column: 0, style: style)
  }

  private func statusHint() -> String {
    if isShowingHelp {
      return "q close "
    }
    switch focus {
    case .contacts where !contacts.isEmpty:
      return "\(contactCursor.selected + 1)/\(contacts.count)  ? help "
    case .threads where !threads.isEmpty:
      return "\(threadCursor.selected + 1)/\(threads.count)  ? help "
    case .messages where messages.contains(where: { !$0.attachments.isEmpty }):
      return "s save  ? help "
    default:
      return "? help "
    }
  }
}
