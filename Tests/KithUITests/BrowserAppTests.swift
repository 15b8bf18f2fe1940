import Foundation
import KithCore
import KithTestSupport
import Testing

@testable import KithUI

/// Builds an app on an in-memory screen with the sample data, loads it and draws once. Dates
/// show in UTC, and "now" is three hours after the sample data's reference time.
func makeApp(
  rows: Int = 24, columns: Int = 120, data: SampleMailData = .standard(),
  status: @escaping () -> String = { "" }
) -> (BrowserApp, InMemoryScreen) {
  let screen = InMemoryScreen(rows: rows, columns: columns)
  let app = BrowserApp(data: data, screen: screen, status: status)
  app.timeZone = TimeZone(identifier: "UTC")!
  app.now = { SampleMailData.referenceDate + 3 * 3600 }
  app.reloadData()
  app.draw()
  return (app, screen)
}

func press(_ app: BrowserApp, _ keys: Key...) {
  for key in keys {
    app.handle(.key(key))
  }
  app.draw()
}

@Suite("BrowserApp layout")
struct BrowserLayoutTests {
  @Test func threePanesShowSampleData() {
    let (_, screen) = makeApp()
    let text = screen.text()
    #expect(text.contains("Contacts (3)"))
    #expect(text.contains("Ada Lovelace · Analytical"))
    #expect(text.contains("山田 太郎 · 東京商事"))
    #expect(text.contains("Threads: Ada Lovelace"))
    #expect(text.contains("Quarterly numbers (2) — Ada Love"))
    #expect(text.contains("Lunch on Friday? — Ada Lovelace"))
    #expect(text.contains("Here are the numbers"))
  }

  @Test func paneFramesFillScreen() {
    let layout = BrowserLayout(size: ScreenSize(rows: 24, columns: 120))
    let frames = layout.frames(focus: .contacts)
    #expect(frames.map(\.pane) == [.contacts, .threads, .messages])
    #expect(frames[0].column == 0)
    #expect(frames[1].column == frames[0].width + 1)
    #expect(frames[2].column == frames[1].column + frames[1].width + 1)
    #expect(frames[2].column + frames[2].width == 120)
  }

  @Test func newestMessageExpanded() {
    let (_, screen) = makeApp()
    let text = screen.text()
    #expect(text.contains("+ Ada Lovelace"))
    #expect(text.contains("From: Me <me@example.com>"))
    #expect(text.contains("Thanks!"))
    #expect(!text.contains("Attachment 1: q1.csv"))
  }

  @Test func expandAllShowsOlderBodies() {
    let (app, screen) = makeApp()
    press(app, .character("e"))
    #expect(app.isExpandingAll)
    #expect(screen.text().contains("Attachment 1: q1.csv (text/csv, 2 KB)"))
    #expect(screen.text().contains("Total: 42"))
  }

  @Test func tabsInBodyExpanded() {
    let (_, screen) = makeApp()
    #expect(screen.text().contains("Thanks! Looks right."))
    #expect(!screen.text().contains("\t"))
  }

  @Test func statusLineShowsProviderText() {
    let (_, screen) = makeApp(status: { "work: idle" })
    let last = screen.line(23)
    #expect(last.hasPrefix(" work: idle"))
    #expect(last.hasSuffix("1/3  ? help"))
    #expect(screen.style(row: 23, column: 0) == .status)
  }

  @Test func separatorsBetweenPanes() {
    let (_, screen) = makeApp()
    let frames = BrowserLayout(size: screen.size).frames(focus: .contacts)
    #expect(screen.cells[5][frames[1].column - 1].text == "│")
    #expect(screen.cells[5][frames[2].column - 1].text == "│")
  }

  @Test func wideTextStaysInsidePanes() {
    let (app, screen) = makeApp(columns: 90)
    press(app, .character("j"))
    let frames = BrowserLayout(size: screen.size).frames(focus: .contacts)
    for row in 1..<(screen.size.rows - 1) {
      #expect(screen.cells[row][frames[1].column - 1].text == "│", "row \(row) lost its separator")
      #expect(screen.cells[row][frames[2].column - 1].text == "│", "row \(row) lost its separator")
    }
    #expect(screen.text().contains("会議の件"))
  }

  @Test func resizeRedrawsToNewSize() {
    let (app, screen) = makeApp(rows: 24, columns: 120)
    screen.resize(rows: 30, columns: 100)
    app.handle(screen.readEvent(timeoutMilliseconds: 0))
    app.draw()
    #expect(screen.line(29).hasSuffix("? help"))
    #expect(screen.text().contains("Quarterly numbers"))
    let frames = BrowserLayout(size: screen.size).frames(focus: .contacts)
    #expect(frames[2].column + frames[2].width == 100)
  }

  @Test func tinyScreenShowsNotice() {
    let (_, screen) = makeApp(rows: 3, columns: 15)
    #expect(screen.line(0) == "Terminal too sm")
  }
}

@Suite("BrowserApp keys")
struct BrowserKeyTests {
  @Test func selectionMovesWithJAndK() {
    let (app, screen) = makeApp()
    let adaRow = screen.row(containing: "Ada Lovelace ·")
    #expect(adaRow == 1)
    #expect(screen.style(row: 1, column: 0) == .selection)

    press(app, .character("j"))
    #expect(screen.style(row: 1, column: 0) != .selection)
    #expect(screen.style(row: 2, column: 0) == .selection)
    #expect(screen.text().contains("Threads: 山田 太郎"))
    #expect(screen.text().contains("会議の件"))
    #expect(!screen.text().contains("Quarterly numbers"))

    press(app, .character("k"))
    #expect(screen.style(row: 1, column: 0) == .selection)
    #expect(screen.text().contains("Quarterly numbers"))
  }

  @Test func arrowsMoveLikeVimKeys() {
    let (app, _) = makeApp()
    press(app, .down, .down)
    #expect(app.contactCursor.selected == 2)
    press(app, .up)
    #expect(app.contactCursor.selected == 1)
  }

  @Test func selectionStopsAtEnds() {
    let (app, _) = makeApp()
    press(app, .character("k"))
    #expect(app.contactCursor.selected == 0)
    press(app, .character("j"), .character("j"), .character("j"), .character("j"))
    #expect(app.contactCursor.selected == 2)
  }

  @Test func topAndBottom() {
    let (app, screen) = makeApp(data: .manyContacts(50))
    press(app, .character("G"))
    #expect(app.contactCursor.selected == 49)
    #expect(screen.text().contains("Contact 50"))
    #expect(!screen.text().contains(" Contact 1 "))
    press(app, .character("g"))
    #expect(app.contactCursor.selected == 0)
    #expect(screen.line(1).hasPrefix(" Contact 1 "))
  }

  @Test func halfPageMoves() {
    let (app, screen) = makeApp(data: .manyContacts(50))
    let half = (screen.size.rows - 2) / 2
    press(app, .control("d"))
    #expect(app.contactCursor.selected == half)
    press(app, .control("d"))
    #expect(app.contactCursor.selected == 2 * half)
    press(app, .control("u"))
    #expect(app.contactCursor.selected == half)
  }

  @Test func selectionScrollsIntoView() {
    let (app, screen) = makeApp(data: .manyContacts(50))
    for _ in 0..<30 {
      app.handle(.key(.character("j")))
    }
    app.draw()
    let row = (1..<screen.size.rows).first { screen.line($0).hasPrefix(" Contact 31 ") }
    #expect(row != nil)
    #expect(row.map { screen.style(row: $0, column: 0) } == .selection)
  }

  @Test func tabCyclesFocus() {
    let (app, screen) = makeApp()
    #expect(app.focus == .contacts)
    #expect(screen.style(row: 0, column: 1) == .paneTitleFocused)
    press(app, .tab)
    #expect(app.focus == .threads)
    #expect(screen.style(row: 0, column: 1) == .paneTitle)
    #expect(screen.style(row: 1, column: 0) == .selectionInactive)
    press(app, .tab)
    #expect(app.focus == .messages)
    press(app, .tab)
    #expect(app.focus == .contacts)
    press(app, .backTab)
    #expect(app.focus == .messages)
  }

  @Test func enterOpensToTheRight() {
    let (app, screen) = makeApp()
    press(app, .enter)
    #expect(app.focus == .threads)
    press(app, .character("j"))
    #expect(screen.text().contains("Shall we meet at noon?"))
    press(app, .enter)
    #expect(app.focus == .messages)
    press(app, .enter)
    #expect(app.focus == .messages)
  }

  @Test func qGoesBackThenQuits() {
    let (app, _) = makeApp()
    press(app, .enter, .enter)
    #expect(app.focus == .messages)
    press(app, .character("q"))
    #expect(app.focus == .threads)
    #expect(!app.isFinished)
    press(app, .character("q"))
    #expect(app.focus == .contacts)
    #expect(!app.isFinished)
    press(app, .character("q"))
    #expect(app.isFinished)
  }

  @Test func leftFocusesWithoutQuitting() {
    let (app, _) = makeApp()
    press(app, .left)
    #expect(app.focus == .contacts)
    #expect(!app.isFinished)
  }

  @Test func messagePaneScrolls() {
    let (app, screen) = makeApp(rows: 6, columns: 120)
    press(app, .tab, .tab)
    let firstLine = screen.line(1)
    press(app, .character("j"))
    #expect(screen.line(1) != firstLine)
    press(app, .character("G"))
    press(app, .character("k"))
    press(app, .character("g"))
    #expect(screen.line(1) == firstLine)
  }

  @Test func runStopsAtQuitKey() {
    let screen = InMemoryScreen(rows: 24, columns: 120)
    let app = BrowserApp(data: SampleMailData.standard(), screen: screen)
    screen.enqueue([.character("j"), .character("q")])
    app.run()
    #expect(app.isFinished)
    #expect(app.contactCursor.selected == 1)
    #expect(screen.readEvent(timeoutMilliseconds: 0) == .endOfInput)
  }

  @Test func runStopsAtEndOfInput() {
    let screen = InMemoryScreen(rows: 24, columns: 120)
    let app = BrowserApp(data: SampleMailData.standard(), screen: screen)
    screen.enqueue([.tab])
    app.run()
    #expect(app.isFinished)
    #expect(screen.refreshCount >= 2)
  }
}

@Suite("BrowserApp narrow terminal")
struct BrowserNarrowTests {
  @Test func narrowShowsOnePane() {
    let (app, screen) = makeApp(columns: 60)
    #expect(screen.text().contains("Ada Lovelace"))
    #expect(!screen.text().contains("Quarterly numbers"))
    #expect(!screen.text().contains("│"))

    press(app, .enter)
    #expect(screen.text().contains("Quarterly numbers"))
    #expect(!screen.text().contains("Contacts (3)"))

    press(app, .enter)
    #expect(screen.text().contains("Thanks!"))
    #expect(!screen.text().contains("Lunch on Friday?"))

    press(app, .character("q"))
    #expect(screen.text().contains("Lunch on Friday?"))
  }

  @Test func narrowRowsFitWidth() {
    let (app, screen) = makeApp(columns: 40)
    press(app, .character("j"), .enter, .enter)
    for row in 0..<screen.size.rows {
      #expect(screen.usedWidth(ofRow: row) <= 40)
    }
    #expect(screen.text().contains("来週の会議について。"))
  }

  @Test func widenToThreePanes() {
    let (app, screen) = makeApp(columns: 79)
    #expect(!screen.text().contains("Quarterly numbers"))
    screen.resize(rows: 24, columns: 80)
    app.handle(screen.readEvent(timeoutMilliseconds: 0))
    app.draw()
    #expect(screen.text().contains("Quarterly numbers"))
    #expect(screen.text().contains("Ada Lovelace"))
  }
}

@Suite("BrowserApp help and safety")
struct BrowserHelpTests {
  @Test func helpListsEveryAction() {
    let (app, screen) = makeApp(rows: 30)
    press(app, .character("?"))
    #expect(app.isShowingHelp)
    let text = screen.text()
    for binding in Keymap.standard.bindings {
      #expect(text.contains(binding.description), "help lacks \(binding.action)")
      for key in binding.keys {
        #expect(text.contains(key.displayName), "help lacks key \(key.displayName)")
      }
    }
    #expect(text.contains("Ctrl-d"))
    #expect(text.contains("Shift-Tab"))
  }

  @Test func helpClosesWithQ() {
    let (app, screen) = makeApp()
    press(app, .character("?"))
    press(app, .character("q"))
    #expect(!app.isShowingHelp)
    #expect(!app.isFinished)
    #expect(screen.text().contains("Contacts (3)"))
  }

  @Test func helpScrollsOnShortScreen() {
    let (app, screen) = makeApp(rows: 6)
    press(app, .character("?"))
    #expect(screen.text().contains("Move down"))
    press(app, .character("G"))
    #expect(screen.text().contains("Show or hide this help"))
    #expect(!screen.text().contains("Move down"))
  }

  @Test func hostileTextIsSanitized() {
    let (app, screen) = makeApp()
    press(app, .character("j"), .character("j"))
    let text = screen.text()
    #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
    #expect(!text.unicodeScalars.contains { $0.value == 0x9B })
    #expect(!text.unicodeScalars.contains { $0.value == 0x202E })
    #expect(!text.unicodeScalars.contains { $0.value == 0x07 })
    #expect(text.contains("Mallory Evil"))
    #expect(text.contains("invoice<U+202E>fdp.exe"))
    #expect(!text.contains("pwned"))
    #expect(text.contains("Pay now please"))
  }

  @Test func loadFailureShownInStatus() {
    let data = SampleMailData.standard()
    data.failure = KithError(.store, "database is locked")
    let (_, screen) = makeApp(data: data)
    let last = screen.line(23)
    #expect(last.contains("Failed to load contacts: database is locked"))
    #expect(screen.style(row: 23, column: 0) == .statusError)
    #expect(screen.text().contains("No contacts"))
  }

  @Test func reloadKeepsSelection() {
    let data = SampleMailData.standard()
    let (app, _) = makeApp(data: data)
    press(app, .character("j"))
    data.contacts.insert(
      ContactSummary(
        id: ContactID(99), name: "New Person", companyName: nil, emails: [], messageCount: 1,
        unreadCount: 1, lastMessageDate: nil), at: 0)
    app.reloadData()
    #expect(app.selectedContactSummary?.name == "山田 太郎")
    #expect(app.contactCursor.selected == 2)
  }
}

@Suite("BrowserApp reload")
struct BrowserReloadTests {
  @Test func reloadKeepsMessageScroll() {
    let (app, screen) = makeApp(rows: 6, columns: 120)
    press(app, .tab, .tab, .character("j"), .character("j"))
    let scrolledLine = screen.line(1)
    app.reloadData()
    app.draw()
    #expect(app.messageScroll == 2)
    #expect(screen.line(1) == scrolledLine)
  }

  @Test func newThreadStartsAtTop() {
    let (app, _) = makeApp(rows: 6, columns: 120)
    press(app, .tab, .tab, .character("j"))
    press(app, .backTab, .character("j"))
    #expect(app.messageScroll == 0)
  }
}

@Suite("BrowserApp row text")
struct BrowserRowTextTests {
  @Test func rightTextAlignedToEdge() {
    let text = BrowserApp.listRowText(left: "Ada", right: "1/3", isUnread: true, width: 20)
    #expect(text == "*Ada             1/3")
    #expect(TerminalText.width(text) == 20)
  }

  @Test func leftTextTruncatedWithEllipsis() {
    let text = BrowserApp.listRowText(
      left: "山田 太郎 · 東京商事", right: "12", isUnread: false, width: 14)
    #expect(text == " 山田 太郎… 12")
    #expect(TerminalText.width(text) == 14)
  }

  @Test func rightTextDroppedWhenNarrow() {
    let text = BrowserApp.listRowText(left: "Ada Lovelace", right: "Mar 12", isUnread: false, width: 12)
    #expect(text == " Ada Lovela…")
  }

  @Test func contactDateShownWhenWide() {
    let (_, screen) = makeApp(columns: 160)
    #expect(screen.line(1).contains("1/3 09:30"))
    #expect(screen.line(2).contains("1 Feb 28"))
  }
}
