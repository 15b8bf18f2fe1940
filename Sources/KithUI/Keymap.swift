/// A command of the browser that a key can trigger.
public enum BrowserAction: String, CaseIterable, Sendable {
  case moveDown = "move-down"
  case moveUp = "move-up"
  case moveToTop = "move-to-top"
  case moveToBottom = "move-to-bottom"
  case halfPageDown = "half-page-down"
  case halfPageUp = "half-page-up"
  case nextPane = "next-pane"
  case previousPane = "previous-pane"
  case open
  case focusLeft = "focus-left"
  case back
  case toggleExpandAll = "toggle-expand-all"
  case saveAttachment = "save-attachment"
  case redraw
  case help
}

/// One row of the keymap: an action, the sentence the help screen shows and its keys.
public struct KeyBinding: Hashable, Sendable {
  public var action: BrowserAction
  public var description: String
  public var keys: [Key]

  public init(action: BrowserAction, description: String, keys: [Key]) {
    self.action = action
    self.description = description
    self.keys = keys
  }
}

/// The table that maps keys to actions; it also feeds the help screen.
public struct Keymap: Sendable {
  /// The bindings in the order the help screen lists them.
  public private(set) var bindings: [KeyBinding]

  public init(bindings: [KeyBinding]) {
    self.bindings = bindings
  }

  /// The default keys: arrows and vi keys.
  public static let standard = Keymap(bindings: [
    KeyBinding(action: .moveDown, description: "Move down", keys: [.character("j"), .down]),
    KeyBinding(action: .moveUp, description: "Move up", keys: [.character("k"), .up]),
    KeyBinding(
      action: .moveToTop, description: "Go to the first row", keys: [.character("g"), .home]),
    KeyBinding(
      action: .moveToBottom, description: "Go to the last row", keys: [.character("G"), .end]),
    KeyBinding(
      action: .halfPageDown, description: "Move down half a page",
      keys: [.control("d"), .pageDown]),
    KeyBinding(
      action: .halfPageUp, description: "Move up half a page", keys: [.control("u"), .pageUp]),
    KeyBinding(action: .nextPane, description: "Focus the next pane", keys: [.tab]),
    KeyBinding(action: .previousPane, description: "Focus the previous pane", keys: [.backTab]),
    KeyBinding(
      action: .open, description: "Open the selection in the pane to the right",
      keys: [.enter, .right, .character("l")]),
    KeyBinding(
      action: .focusLeft, description: "Focus the pane to the left",
      keys: [.left, .character("h")]),
    KeyBinding(
      action: .back, description: "Close help, go back one pane, or quit from contacts",
      keys: [.character("q")]),
    KeyBinding(
      action: .toggleExpandAll, description: "Show or hide the bodies of older messages",
      keys: [.character("e")]),
    KeyBinding(
      action: .saveAttachment, description: "Save an attachment of the thread to a file",
      keys: [.character("s")]),
    KeyBinding(action: .redraw, description: "Redraw the screen", keys: [.control("l")]),
    KeyBinding(action: .help, description: "Show or hide this help", keys: [.character("?")]),
  ])

  /// Returns the action bound to `key`, or nil when the key is unbound.
  public func action(for key: Key) -> BrowserAction? {
    bindings.first { $0.keys.contains(key) }?.action
  }

  /// Returns a copy in which `action` is triggered by `keys` only. Each key is taken away
  /// from any other action it was bound to, so no key triggers two actions.
  public func rebinding(_ action: BrowserAction, to keys: [Key]) -> Keymap {
    var copy = self
    for index in copy.bindings.indices {
      if copy.bindings[index].action == action {
        copy.bindings[index].keys = keys
      } else {
        copy.bindings[index].keys.removeAll { keys.contains($0) }
      }
    }
    return copy
  }
}
