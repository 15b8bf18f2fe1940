import Foundation
import KithCore
import KithTestSupport
import Testing

@testable import KithUI

@Suite("Marking threads read")
struct ReadStateTests {
  @Test func browsingContactsMarksNothing() {
    let data = SampleMailData.standard()
    let (app, screen) = makeApp(data: data)
    press(app, .character("j"), .character("k"))

    #expect(data.markedSeen.isEmpty)
    #expect(screen.line(1).hasPrefix("*Ada Lovelace"))
  }

  @Test func focusingThreadsMarksShownThread() {
    let data = SampleMailData.standard()
    let (app, screen) = makeApp(data: data)
    #expect(screen.line(1).contains("1/3"))
    let threadsColumn = BrowserLayout(size: screen.size).frames(focus: .threads)[1].column
    let threadRow = screen.line(1).dropFirst(threadsColumn)
    #expect(threadRow.hasPrefix("*Quarterly numbers"))

    press(app, .enter)

    #expect(data.markedSeen == [MessageRowID(101)])
    #expect(app.focus == .threads)
    #expect(screen.line(1).hasPrefix(" Ada Lovelace"))
    #expect(!screen.line(1).contains("1/3"))
    #expect(screen.line(1).dropFirst(threadsColumn).hasPrefix(" Quarterly numbers"))
    #expect(app.threads.first?.unreadCount == 0)
    #expect(app.contacts.first?.unreadCount == 0)
  }

  @Test func readThreadNotMarkedAgain() {
    let data = SampleMailData.standard()
    let (app, _) = makeApp(data: data)
    press(app, .tab, .character("j"), .character("k"), .tab)

    #expect(data.markedSeen == [MessageRowID(101)])
  }

  @Test func narrowScreenMarksOnOpen() {
    let data = SampleMailData.standard()
    let (app, _) = makeApp(columns: 60, data: data)
    press(app, .enter)
    #expect(app.focus == .threads)
    #expect(data.markedSeen.isEmpty)

    press(app, .enter)
    #expect(app.focus == .messages)
    #expect(data.markedSeen == [MessageRowID(101)])
  }

  @Test func messageSummaryStyleFollowsReadState() {
    let data = SampleMailData.standard()
    data.messagesByThread[ThreadID(10)]![0].isSeen = false
    let (app, screen) = makeApp(data: data)
    let summaryRow = screen.row(containing: "+ Ada Lovelace")!
    let column = BrowserLayout(size: screen.size).frames(focus: .contacts)[2].column + 1
    #expect(screen.style(row: summaryRow, column: column) == .unread)

    press(app, .tab)

    #expect(data.markedSeen == [MessageRowID(100), MessageRowID(101)])
    #expect(screen.style(row: summaryRow, column: column) == .text)
  }

  @Test func markFailureShownInStatus() {
    let data = SampleMailData.standard()
    let (app, screen) = makeApp(data: data)
    data.failure = KithError(.store, "database is locked")

    press(app, .tab)

    #expect(screen.line(23).contains("Failed to mark messages read: database is locked"))
    #expect(data.markedSeen.isEmpty)
  }
}
