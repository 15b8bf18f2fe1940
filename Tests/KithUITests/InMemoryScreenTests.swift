import Testing

@testable import KithUI

@Suite("InMemoryScreen")
struct InMemoryScreenTests {
  @Test func asciiFillsOneCellEach() {
    let screen = InMemoryScreen(rows: 2, columns: 10)
    screen.draw("hello", row: 0, column: 2, style: .text)
    #expect(screen.line(0) == "  hello")
    #expect(screen.usedWidth(ofRow: 0) == 7)
  }

  @Test func wideCharacterTakesTwoCells() {
    let screen = InMemoryScreen(rows: 1, columns: 10)
    screen.draw("你好x", row: 0, column: 0, style: .text)
    #expect(screen.cells[0][0].text == "你")
    #expect(screen.cells[0][1].isContinuation)
    #expect(screen.cells[0][2].text == "好")
    #expect(screen.cells[0][4].text == "x")
    #expect(screen.line(0) == "你好x")
  }

  @Test func wideCharacterClippedAtEdge() {
    let screen = InMemoryScreen(rows: 1, columns: 5)
    screen.draw("ab你好", row: 0, column: 0, style: .text)
    #expect(screen.line(0) == "ab你")
    #expect(screen.cells[0][4].text == " ")
  }

  @Test func clustersKeepTheirWidths() {
    let screen = InMemoryScreen(rows: 1, columns: 12)
    screen.draw("e\u{301}👩\u{200D}👩\u{200D}👧🇩🇪x", row: 0, column: 0, style: .text)
    #expect(screen.cells[0][0].text == "e\u{301}")
    #expect(screen.cells[0][1].text == "👩\u{200D}👩\u{200D}👧")
    #expect(screen.cells[0][2].isContinuation)
    #expect(screen.cells[0][3].text == "🇩🇪")
    #expect(screen.cells[0][5].text == "x")
  }

  @Test func zeroWidthClusterDrawsNothing() {
    let screen = InMemoryScreen(rows: 1, columns: 4)
    screen.draw("\u{301}ab", row: 0, column: 0, style: .text)
    #expect(screen.line(0) == "ab")
  }

  @Test func overwritingHalfOfWideCharacter() {
    let screen = InMemoryScreen(rows: 1, columns: 6)
    screen.draw("你好", row: 0, column: 0, style: .text)
    screen.draw("x", row: 0, column: 1, style: .text)
    #expect(screen.cells[0][0].text == " ")
    #expect(screen.cells[0][1].text == "x")
    #expect(screen.cells[0][2].text == "好")

    screen.draw("y", row: 0, column: 2, style: .text)
    #expect(screen.cells[0][2].text == "y")
    #expect(screen.cells[0][3].text == " ")
  }

  @Test func wideOverNarrowThenWide() {
    let screen = InMemoryScreen(rows: 1, columns: 6)
    screen.draw("a好", row: 0, column: 0, style: .text)
    screen.draw("你", row: 0, column: 0, style: .text)
    #expect(screen.line(0) == "你")
    #expect(!screen.cells[0][2].isContinuation)
  }

  @Test func drawOutsideScreenIgnored() {
    let screen = InMemoryScreen(rows: 1, columns: 3)
    screen.draw("abc", row: 5, column: 0, style: .text)
    screen.draw("abc", row: -1, column: 0, style: .text)
    screen.draw("abc", row: 0, column: 3, style: .text)
    #expect(screen.text() == "")
  }

  @Test func stylesRecordedPerCell() {
    let screen = InMemoryScreen(rows: 1, columns: 6)
    screen.draw("ab", row: 0, column: 0, style: .selection)
    screen.draw("c", row: 0, column: 2, style: .unread)
    #expect(screen.style(row: 0, column: 1) == .selection)
    #expect(screen.style(row: 0, column: 2) == .unread)
    #expect(screen.style(row: 0, column: 3) == .text)
  }

  @Test func keyQueueThenEndOfInput() {
    let screen = InMemoryScreen(rows: 1, columns: 1)
    screen.enqueue([.character("j"), .enter])
    #expect(screen.readEvent(timeoutMilliseconds: 0) == .key(.character("j")))
    #expect(screen.readEvent(timeoutMilliseconds: 0) == .key(.enter))
    #expect(screen.readEvent(timeoutMilliseconds: 0) == .endOfInput)
  }

  @Test func resizeQueuesEvent() {
    let screen = InMemoryScreen(rows: 2, columns: 2)
    screen.resize(rows: 5, columns: 7)
    #expect(screen.size == ScreenSize(rows: 5, columns: 7))
    #expect(screen.readEvent(timeoutMilliseconds: 0) == .resize)
  }
}
