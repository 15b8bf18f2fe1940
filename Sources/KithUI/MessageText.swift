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
/// Older ones take one summary line each unless `expandAll` is set. All text from the
/// messages is sanitized here.
enum MessageText {
  static func lines(for messages: [MessageDetail], width: Int, expandAll: Bool) -> [StyledLine] {
    guard width > 0 else { return [] }
    var lines: [StyledLine] = []
    for (index, message) in messages.enumerated() {
      let isNewest = index == messages.count - 1
      if expandAll || isNewest {
        if !lines.isEmpty {
          lines.append(StyledLine(text: String(repeating: "─", count: width), style: .separator))
        }
        lines += expandedLines(for: message, width: width)
      } else {
        lines.append(summaryLine(for: message, width: width))
      }
    }
    return lines
  }

  static func summaryLine(for message: MessageDetail, width: Int) -> StyledLine {
    let sender = TerminalText.sanitize(senderName(message.from))
    let date = message.date.map { DateText.short($0) } ?? ""
    let snippet = TerminalText.sanitize(message.bodyText)
      .split(separator: " ", omittingEmptySubsequences: true)
      .joined(separator: " ")
    let text = "+ \(sender)  \(date)  \(snippet)"
    let style: StyleRole = message.isSeen ? .text : .unread
    return StyledLine(text: TerminalText.truncate(text, toWidth: width, ellipsis: "…"), style: style)
  }

  static func expandedLines(for message: MessageDetail, width: Int) -> [StyledLine] {
    let sender = message.from.isEmpty ? "(no sender)" : addressList(message.from)
    var headers: [String] = ["From: " + sender]
    if !message.to.isEmpty {
      headers.append("To: " + addressList(message.to))
    }
    if !message.cc.isEmpty {
      headers.append("Cc: " + addressList(message.cc))
    }
    if let date = message.date {
      headers.append("Date: " + DateText.long(date))
    }
    headers.append("Subject: " + TerminalText.sanitize(message.subject ?? "(no subject)"))
    for attachment in message.attachments {
      headers.append("Attachment: " + attachmentText(attachment))
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

/// Short and long dates in the user's time zone, with English month names.
enum DateText {
  private static func formatter(_ format: String) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone.current
    formatter.dateFormat = format
    return formatter
  }

  private static let sameYear = formatter("MMM d")
  private static let otherYear = formatter("MMM yyyy")
  private static let full = formatter("EEE, d MMM yyyy HH:mm")

  /// Returns "Mar 7" for a date in the current year, else "Mar 2019".
  static func short(_ date: Date, now: Date = Date()) -> String {
    let calendar = Calendar.current
    if calendar.component(.year, from: date) == calendar.component(.year, from: now) {
      return sameYear.string(from: date)
    }
    return otherYear.string(from: date)
  }

  static func long(_ date: Date) -> String {
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
