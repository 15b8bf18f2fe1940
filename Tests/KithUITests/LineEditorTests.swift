import KithCore
import Testing

@testable import KithUI

@Suite struct LineEditorTests {
  @Test func typingInsertsAtCursor() {
    var editor = LineEditor(text: "ad")
    #expect(editor.handle(.left) == .editing)
    _ = editor.handle(.character("b"))
    _ = editor.handle(.character("c"))
    #expect(editor.text == "abcd")
    #expect(editor.cursor == 3)
  }

  @Test func backspaceDeletesBeforeCursor() {
    var editor = LineEditor(text: "abc")
    _ = editor.handle(.left)
    _ = editor.handle(.backspace)
    #expect(editor.text == "ac")
    _ = editor.handle(.home)
    _ = editor.handle(.backspace)
    #expect(editor.text == "ac")
    #expect(editor.cursor == 0)
  }

  @Test func cursorStopsAtEnds() {
    var editor = LineEditor(text: "ab")
    _ = editor.handle(.right)
    #expect(editor.cursor == 2)
    _ = editor.handle(.control("a"))
    _ = editor.handle(.left)
    #expect(editor.cursor == 0)
    _ = editor.handle(.control("e"))
    #expect(editor.cursor == 2)
  }

  @Test func controlUClearsBeforeCursor() {
    var editor = LineEditor(text: "/tmp/q1.csv")
    for _ in 0..<6 {
      _ = editor.handle(.left)
    }
    _ = editor.handle(.control("u"))
    #expect(editor.text == "q1.csv")
    #expect(editor.cursor == 0)
  }

  @Test func enterSubmitsAndEscapeCancels() {
    var editor = LineEditor(text: "x")
    #expect(editor.handle(.enter) == .submitted("x"))
    #expect(editor.handle(.escape) == .cancelled)
    #expect(editor.handle(.tab) == .editing)
    #expect(editor.text == "x")
  }

  @Test func visibleLineScrollsToCursor() {
    let editor = LineEditor(text: "abcdefghij")
    let line = editor.visibleLine(width: 5)
    #expect(line.text == "ghij")
    #expect(line.cursorColumn == 4)
  }

  @Test func visibleLineFromStartWhenItFits() {
    var editor = LineEditor(text: "abc")
    _ = editor.handle(.home)
    let line = editor.visibleLine(width: 10)
    #expect(line.text == "abc")
    #expect(line.cursorColumn == 0)
  }

  @Test func visibleLineCountsWideCharacters() {
    let editor = LineEditor(text: "日本語")
    let line = editor.visibleLine(width: 5)
    #expect(line.text == "本語")
    #expect(line.cursorColumn == 4)
  }

  @Test func visibleLineShowsOverrideAsText() {
    let editor = LineEditor(text: "a\u{202E}b")
    let line = editor.visibleLine(width: 40)
    #expect(line.text == "a<U+202E>b")
    #expect(line.cursorColumn == 10)
  }
}
