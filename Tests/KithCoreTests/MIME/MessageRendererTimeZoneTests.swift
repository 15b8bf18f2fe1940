import Foundation
import KithCore
import Testing

@Suite struct MessageRendererTimeZoneTests {
  /// 2026-03-02 09:30 UTC.
  let message = ParsedMessage(date: Date(timeIntervalSince1970: 1_772_443_800))

  @Test func dateShownInGivenZone() {
    let tokyo = MessageRenderer.render(message, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
    #expect(tokyo.contains("Date: Mon, 2 Mar 2026 18:30:00 +0900"))
    let newYork = MessageRenderer.render(
      message, timeZone: TimeZone(identifier: "America/New_York")!)
    #expect(newYork.contains("Date: Mon, 2 Mar 2026 04:30:00 -0500"))
  }

  @Test func defaultZoneIsCurrent() {
    #expect(MessageRenderer.render(message) == MessageRenderer.render(message, timeZone: .current))
  }
}
