import Testing

@testable import KithUI

@Suite("Keymap")
struct KeymapTests {
  @Test func everyActionHasBinding() {
    let bound = Set(Keymap.standard.bindings.map(\.action))
    for action in BrowserAction.allCases {
      #expect(bound.contains(action), "\(action) has no binding")
    }
  }

  @Test func noKeyBoundTwice() {
    var seen: [Key: BrowserAction] = [:]
    for binding in Keymap.standard.bindings {
      for key in binding.keys {
        #expect(seen[key] == nil, "\(key.displayName) is bound to \(seen[key].map { "\($0)" } ?? "") and \(binding.action)")
        seen[key] = binding.action
      }
    }
  }

  @Test func requiredDefaultKeys() {
    let keymap = Keymap.standard
    #expect(keymap.action(for: .character("j")) == .moveDown)
    #expect(keymap.action(for: .down) == .moveDown)
    #expect(keymap.action(for: .character("k")) == .moveUp)
    #expect(keymap.action(for: .up) == .moveUp)
    #expect(keymap.action(for: .character("g")) == .moveToTop)
    #expect(keymap.action(for: .character("G")) == .moveToBottom)
    #expect(keymap.action(for: .control("d")) == .halfPageDown)
    #expect(keymap.action(for: .control("u")) == .halfPageUp)
    #expect(keymap.action(for: .tab) == .nextPane)
    #expect(keymap.action(for: .backTab) == .previousPane)
    #expect(keymap.action(for: .enter) == .open)
    #expect(keymap.action(for: .character("q")) == .back)
    #expect(keymap.action(for: .character("?")) == .help)
    #expect(keymap.action(for: .character("x")) == nil)
  }

  @Test func rebindingMovesKey() {
    let keymap = Keymap.standard.rebinding(.help, to: [.character("j"), .function(1)])
    #expect(keymap.action(for: .character("j")) == .help)
    #expect(keymap.action(for: .function(1)) == .help)
    #expect(keymap.action(for: .character("?")) == nil)
    #expect(keymap.action(for: .down) == .moveDown)
  }

  @Test func keyNamesRoundTrip() {
    let keys: [Key] = [
      .character("j"), .character("?"), .character(" "), .control("d"), .up, .down, .left, .right,
      .pageUp, .pageDown, .home, .end, .enter, .tab, .backTab, .backspace, .escape, .function(5),
    ]
    for key in keys {
      #expect(Key(displayName: key.displayName) == key, "\(key.displayName) does not parse back")
    }
    #expect(Key(displayName: "Ctrl-D") == .control("d"))
    #expect(Key(displayName: "Hyper-x") == nil)
  }

  @Test func characterCodesToKeys() {
    #expect(Key.fromCharacterCode(0x04) == .control("d"))
    #expect(Key.fromCharacterCode(0x15) == .control("u"))
    #expect(Key.fromCharacterCode(0x0D) == .enter)
    #expect(Key.fromCharacterCode(0x0A) == .enter)
    #expect(Key.fromCharacterCode(0x09) == .tab)
    #expect(Key.fromCharacterCode(0x7F) == .backspace)
    #expect(Key.fromCharacterCode(0x1B) == .escape)
    #expect(Key.fromCharacterCode(0x6A) == .character("j"))
    #expect(Key.fromCharacterCode(0x4F60) == .character("你"))
    #expect(Key.fromCharacterCode(0x00) == nil)
  }
}
