/// A key press, independent of the terminal's encoding of it.
public enum Key: Hashable, Sendable {
  case character(Character)
  /// A letter typed with Control held, stored lower case: Ctrl-D is `.control("d")`.
  case control(Character)
  case up, down, left, right
  case pageUp, pageDown, home, end
  case enter, tab, backTab, backspace, escape
  /// A function key F1-F12.
  case function(Int)

  /// Returns the key for a character read from the terminal, folding control codes 1-26
  /// into `.control` and the usual codes for Enter, Tab, Backspace and Escape into their cases.
  public static func fromCharacterCode(_ code: UInt32) -> Key? {
    switch code {
    case 0x0A, 0x0D:
      return .enter
    case 0x09:
      return .tab
    case 0x08, 0x7F:
      return .backspace
    case 0x1B:
      return .escape
    case 0x01...0x1A:
      let letter = Character(Unicode.Scalar(code + 0x60)!)
      return .control(letter)
    default:
      guard let scalar = Unicode.Scalar(code), code >= 0x20 else { return nil }
      return .character(Character(scalar))
    }
  }

  /// The name shown on the help screen, such as `j`, `Down` or `Ctrl-d`.
  public var displayName: String {
    switch self {
    case .character(" "): return "Space"
    case .character(let character): return String(character)
    case .control(let letter): return "Ctrl-\(letter)"
    case .up: return "Up"
    case .down: return "Down"
    case .left: return "Left"
    case .right: return "Right"
    case .pageUp: return "PageUp"
    case .pageDown: return "PageDown"
    case .home: return "Home"
    case .end: return "End"
    case .enter: return "Enter"
    case .tab: return "Tab"
    case .backTab: return "Shift-Tab"
    case .backspace: return "Backspace"
    case .escape: return "Esc"
    case .function(let number): return "F\(number)"
    }
  }

  /// Parses a name in the form `displayName` produces, so key bindings can be written in a
  /// config file. Returns nil for an unknown name.
  public init?(displayName name: String) {
    let named: [String: Key] = [
      "Space": .character(" "), "Up": .up, "Down": .down, "Left": .left, "Right": .right,
      "PageUp": .pageUp, "PageDown": .pageDown, "Home": .home, "End": .end, "Enter": .enter,
      "Tab": .tab, "Shift-Tab": .backTab, "Backspace": .backspace, "Esc": .escape,
    ]
    if let key = named[name] {
      self = key
    } else if name.hasPrefix("Ctrl-"), name.count == 6, let letter = name.last, letter.isLetter {
      self = .control(Character(letter.lowercased()))
    } else if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...12).contains(number) {
      self = .function(number)
    } else if name.count == 1, let character = name.first {
      self = .character(character)
    } else {
      return nil
    }
  }
}
