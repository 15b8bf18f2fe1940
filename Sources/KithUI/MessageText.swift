import Foundation
import KithCore

/// One line of the message pane and its style.
struct StyledLine: Hashable {
  var text: String
  var style: StyleRole
}

/// Turns a thread's messages into the lines of the message pane.
///
/// Messages run oldest first. The newest is expanded with its headers, attachments and body.
/// Older ones take one summary line each unless `expandAll` is set. Attachments are numbered
/// from 1 across the whole thread, in message order, so a number stays the same whether or
/// not older messages are expanded. All text from the messages is sanitized here.
enum MessageText {
  /// Returns the pane's lines. Summary lines show dates relative to `now`.
  static func lines(
    for messages: [MessageDetail], width: Int, expandAll: Bool, dates: DateText, now: Date
  ) -> [StyledLine] {
    guard width > 0 else { return [] }
    var lines: [StyledLine] = []
    var firstAttachmentNumber = 1
    for (index, message) in messages.enumerated() {
      let isNewest = index == messages.count - 1
      if expandAll || isNewest {
        if !lines.isEmpty {
          lines.append(StyledLine(text: String(repeating: "─", count: width), style: .separator))
        }
        lines += expandedLines(
          for: message, width: width, firstAttachmentNumber: firstAttachmentNumber, dates: dates)
      } else {
        lines.append(
          summaryLine(
            for: message, width: width, firstAttachmentNumber: firstAttachmentNumber,
            dates: dates, now: now))
      }
      firstAttachmentNumber += message.attachments.count
    }
    return lines
  }

  /// Returns the one line of a collapsed message: sender, date, the numbers of its
  /// attachments if any, and the start of its body.
  static func summaryLine(
    for message: MessageDetail, width: Int, firstAttachmentNumber: Int, dates: DateText,
    now: Date
  ) -> StyledLine {
    let sender = TerminalText.sanitize(senderName(message.from))
    let date = message.date.map { dates.short($0, now: now) } ?? ""
    let snippet = TerminalText.sanitize(message.bodyText)
      .split(separator: " ", omittingEmptySubsequences: true)
      .joined(separator: " ")
    var text = "+ \(sender)  \(date)  "
    let count = message.attachments.count
    if count == 1 {
      text += "[attachment \(firstAttachmentNumber)] "
    } else if count > 1 {
      text += "[attachments \(firstAttachmentNumber)-\(firstAttachmentNumber + count - 1)] "
    }
    text += snippet
    let style: StyleRole = message.isSeen ? .text : .unread
    return StyledLine(text: TerminalText.truncate(text, toWidth: width, ellipsis: "…"), style: style)
  }

  static func expandedLines(
    for message: MessageDetail, width: Int, firstAttachmentNumber: Int, dates: DateText
  ) -> [StyledLine] {
    let sender = message.from.isEmpty ? "(no sender)" : addressList(message.from)
    var headers: [String] = ["From: " + sender]
    if !message.to.isEmpty {
      headers.append("To: " + addressList(message.to))
    }
    if !message.cc.isEmpty {
      headers.append("Cc: " + addressList(message.cc))
    }
    if let date = message.date {
      headers.append("Date: " + dates.long(date))
    }
    headers.append("Subject: " + TerminalText.sanitize(message.subject ?? "(no subject)"))
    for (offset, attachment) in message.attachments.enumerated() {
      let number = firstAttachmentNumber + offset
      headers.append("Attachment \(number): " + attachmentText(attachment))
    }

    var lines: [StyledLine] = []
    for header in headers {
      for part in TerminalText.wrap(header, toWidth: width) {
        lines.append(StyledLine(text: part, style: .messageHeader))
      }
    }
    lines.append(StyledLine(text: "", style: .text))
    let body = TerminalText.sanitizeBody(message.bodyText)
    for part in TerminalText.wrap(body, toWidth: width) {
      lines.append(StyledLine(text: part, style: .text))
    }
    return lines
  }

  static func senderName(_ addresses: [Address]) -> String {
    guard let first = addresses.first else { return "(no sender)" }
    if let name = first.name, !name.isEmpty {
      return name
    }
    return first.email
  }

  static func addressList(_ addresses: [Address]) -> String {
    TerminalText.sanitize(addresses.map(\.description).joined(separator: ", "))
  }

  static func attachmentText(_ attachment: AttachmentInfo) -> String {
    let name = TerminalText.sanitize(attachment.filename ?? "(unnamed)")
    let type = TerminalText.sanitize(attachment.mimeType)
    return "\(name) (\(type), \(ByteCountText.format(attachment.size)))"
  }
}

/// Dates as the browser shows them, in one time zone with English month names.
///
/// List columns use `short`, which stays within 10 cells: "14:05" for today, "Mar 02" for
/// an earlier day of the same year, "2019-03-02" for other years. Message headers use `long`.
struct DateText {
  let timeZone: TimeZone
  private let calendar: Calendar
  private let time: DateFormatter
  private let sameYear: DateFormatter
  private let otherYear: DateFormatter
  private let full: DateFormatter

  init(timeZone: TimeZone = .current) {
    self.timeZone = timeZone
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    self.calendar = calendar
    time = Self.formatter("HH:mm", timeZone: timeZone)
    sameYear = Self.formatter("MMM dd", timeZone: timeZone)
    otherYear = Self.formatter("yyyy-MM-dd", timeZone: timeZone)
    full = Self.formatter("EEE, d MMM yyyy HH:mm", timeZone: timeZone)
  }

  private static func formatter(_ format: String, timeZone: TimeZone) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.calendar = Calendar(identifier: .gregorian)
    formatter.timeZone = timeZone
    formatter.dateFormat = format
    return formatter
  }

  /// Returns "14:05" when `date` falls on the same day as `now`, "Mar 02" in the same year,
  /// else "2019-03-02". Days and years are those of `timeZone`.
  func short(_ date: Date, now: Date) -> String {
    if calendar.isDate(date, inSameDayAs: now) {
      return time.string(from: date)
    }
    if calendar.component(.year, from: date) == calendar.component(.year, from: now) {
      return sameYear.string(from: date)
    }
    return otherYear.string(from: date)
  }

  /// Returns the date and time with the weekday, such as "Mon, 2 Mar 2026 10:30".
  func long(_ date: Date) -> String {
    full.string(from: date)
  }
}

/// Byte counts as the message pane shows them: 512 B, 14 KB, 3.2 MB (1 KB = 1024 bytes).
enum ByteCountText {
  static func format(_ bytes: Int) -> String {
    if bytes < 1024 {
      return "\(bytes) B"
    }
    let kilobytes = Double(bytes) / 1024
    if kilobytes < 1024 {
      return "\(Int(kilobytes.rounded())) KB"
    }
    return String(format: "%.1f MB", kilobytes / 1024)
  }
}
