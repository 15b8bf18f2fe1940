import KithCore

extension BrowserApp {
  /// Applies one input event: a bound key runs its action, a resize or timeout only leads to
  /// the next redraw, and the end of input finishes the app.
  public func handle(_ event: InputEvent) {
    switch event {
    case .key(let key):
      notice = nil
      if prompt != nil {
        handlePromptKey(key)
      } else if let action = keymap.action(for: key) {
        perform(action)
      }
    case .resize, .timeout:
      break
    case .endOfInput:
      isFinished = true
    }
  }

  /// Runs one action as if its key had been pressed.
  public func perform(_ action: BrowserAction) {
    if isShowingHelp {
      performInHelp(action)
      return
    }
    switch action {
    case .moveDown: move(by: 1)
    case .moveUp: move(by: -1)
    case .moveToTop: move(by: Int.min / 2)
    case .moveToBottom: move(by: Int.max / 2)
    case .halfPageDown: move(by: halfPage)
    case .halfPageUp: move(by: -halfPage)
    case .nextPane: cycleFocus(by: 1)
    case .previousPane: cycleFocus(by: -1)
    case .open: openSelection()
    case .focusLeft: focusLeft()
    case .back: goBack()
    case .toggleExpandAll: isExpandingAll.toggle()
    case .redraw: screen.repaintAll()
    case .help: isShowingHelp = true
    case .saveAttachment: startSavingAttachment()
    }
    markShownThreadSeen()
  }

  private var halfPage: Int {
    max(1, BrowserLayout(size: screen.size).contentRows / 2)
  }

  private func performInHelp(_ action: BrowserAction) {
    switch action {
    case .help, .back:
      isShowingHelp = false
    case .moveDown: helpCursor.move(by: 1)
    case .moveUp: helpCursor.move(by: -1)
    case .moveToTop: helpCursor.select(0)
    case .moveToBottom: helpCursor.select(Int.max / 2)
    case .halfPageDown: helpCursor.move(by: halfPage)
    case .halfPageUp: helpCursor.move(by: -halfPage)
    default:
      break
    }
  }

  /// Moves the selection of the focused list, or scrolls the message pane, by `delta` rows.
  private func move(by delta: Int) {
    switch focus {
    case .contacts:
      if contactCursor.move(by: delta) {
        loadThreads()
      }
    case .threads:
      if threadCursor.move(by: delta) {
        loadMessages()
      }
    case .messages:
      messageScroll = max(0, min(messageScroll + delta, messageScrollLimit))
    }
  }

  private func cycleFocus(by step: Int) {
    let count = BrowserPane.allCases.count
    let index = (focus.rawValue + step + count) % count
    focus = BrowserPane(rawValue: index) ?? .contacts
  }

  private func openSelection() {
    switch focus {
    case .contacts:
      focus = .threads
    case .threads:
      focus = .messages
      messageScroll = 0
    case .messages:
      break
    }
  }

  private func focusLeft() {
    if let left = BrowserPane(rawValue: focus.rawValue - 1) {
      focus = left
    }
  }

  private func goBack() {
    if let left = BrowserPane(rawValue: focus.rawValue - 1) {
      focus = left
    } else {
      isFinished = true
    }
  }
}
