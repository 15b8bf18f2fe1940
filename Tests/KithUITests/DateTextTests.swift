import Foundation
import KithCore
import KithTestSupport
import Testing

@testable import KithUI

@Suite struct DateTextTests {
  let utc = DateText(timeZone: TimeZone(identifier: "UTC")!)
  let tokyo = DateText(timeZone: TimeZone(identifier: "Asia/Tokyo")!)
  /// Monday 2026-03-02 09:30 UTC, 18:30 in Tokyo.
  let now = SampleMailData.referenceDate
  let hour: TimeInterval = 3600

  @Test func todayShowsTime() {
    #expect(utc.short(now - 2 * hour, now: now) == "07:30")
    #expect(tokyo.short(now - 2 * hour, now: now) == "16:30")
  }

  @Test func sameYearShowsMonthAndDay() {
    #expect(utc.short(now - 24 * hour, now: now) == "Mar 01")
    #expect(utc.short(now - 40 * 24 * hour, now: now) == "Jan 21")
  }

  @Test func otherYearShowsFullDate() {
    let older = Date(timeIntervalSince1970: 1_551_484_800)  // 2019-03-02 00:00 UTC
    #expect(utc.short(older, now: now) == "2019-03-02")
  }

  @Test func dayBoundaryFollowsTimeZone() {
    // 2026-03-01 23:30 UTC is already 08:30 on 2 March in Tokyo.
    let lateEvening = now - 10 * hour
    #expect(utc.short(lateEvening, now: now) == "Mar 01")
    #expect(tokyo.short(lateEvening, now: now) == "08:30")
  }

  @Test func yearBoundaryFollowsTimeZone() {
    // 2025-12-31 20:00 UTC is 2026-01-01 05:00 in Tokyo.
    let newYearsEve = Date(timeIntervalSince1970: 1_767_211_200)
    #expect(utc.short(newYearsEve, now: now) == "2025-12-31")
    #expect(tokyo.short(newYearsEve, now: now) == "Jan 01")
  }

  @Test func shortFormsFitTenCells() {
    let dates = [now, now - 24 * hour, Date(timeIntervalSince1970: 0)]
    for date in dates {
      #expect(TerminalText.width(utc.short(date, now: now)) <= 10)
    }
  }

  @Test func longShowsLocalTime() {
    #expect(utc.long(now) == "Mon, 2 Mar 2026 09:30")
    #expect(tokyo.long(now) == "Mon, 2 Mar 2026 18:30")
  }

  @Test func browserUsesItsTimeZone() {
    let (app, screen) = makeApp()
    #expect(screen.text().contains("Date: Mon, 2 Mar 2026 09:30"))

    app.timeZone = TimeZone(identifier: "Asia/Tokyo")!
    app.draw()

    let text = screen.text()
    #expect(text.contains("Date: Mon, 2 Mar 2026 18:30"))
    #expect(text.contains("+ Ada Lovelace  17:30"))
    #expect(screen.line(1).contains("Ada Love… 18:30│"))
  }

  @Test func browserDefaultsToCurrentZone() {
    let screen = InMemoryScreen(rows: 24, columns: 120)
    let app = BrowserApp(data: SampleMailData.standard(), screen: screen)
    #expect(app.timeZone == TimeZone.current)
    #expect(app.dates.timeZone == TimeZone.current)
  }
}
