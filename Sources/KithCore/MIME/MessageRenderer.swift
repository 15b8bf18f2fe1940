import Foundation

/// Renders a parsed message as the plain text that `kith show FILE` prints.
public enum MessageRenderer {
  /// Renders From, To, Cc, Date and Subject, an empty line, the body text, then the
  /// attachments (name, type, size) and any decoding notes. Dates use the current time zone.
  ///
  /// The result is not sanitized for the terminal: header and body text come straight from
  /// the message and may contain control characters. Callers that print it pass it through
  /// `TerminalText.sanitizeBody` first, as `kith show` does.
  public static func render(_ message: ParsedMessage) -> String {
    render(message, timeZone: .current)
  }

  /// Renders like `render(_:)`, with dates in `timeZone`.
  public static func render(_ message: ParsedMessage, timeZone: TimeZone) -> String {
    var lines: [String] = []
    lines.append("From: " + formatAddresses(message.from))
    lines.append("To: " + formatAddresses(message.to))
    if !message.cc.isEmpty { lines.append("Cc: " + formatAddresses(message.cc)) }
    lines.append("Date: " + (message.date.map { formatDate($0, timeZone: timeZone) } ?? "(no date)"))
    lines.append("Subject: " + (message.subject ?? "(no subject)"))
    lines.append("")
    lines.append(message.bodyText.isEmpty ? "(no text)" : message.bodyText)

    if !message.attachments.isEmpty {
      lines.append("")
      lines.append("Attachments:")
      for attachment in message.attachments {
        let name = attachment.filename ?? "(no name)"
        lines.append("  \(name) (\(attachment.mimeType), \(formatSize(attachment.size)))")
      }
    }
    if !message.notes.isEmpty {
      lines.append("")
      lines.append("Notes:")
      for note in message.notes { lines.append("  " + note) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Formats addresses as "Name <email>" joined by ", ", or "(none)" for an empty list.
  static func formatAddresses(_ addresses: [Address]) -> String {
    addresses.isEmpty ? "(none)" : addresses.map(\.description).joined(separator: ", ")
  }

  /// Formats a date in the RFC 5322 style, for example "Tue, 1 Jul 2003 10:52:37 +0200".
  static func formatDate(_ date: Date, timeZone: TimeZone) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = timeZone
    formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
    return formatter.string(from: date)
  }

  /// Formats a byte count as "512 B", "1.5 KB" or "2.0 MB" (units of 1024 bytes).
  static func formatSize(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    let kilobytes = Double(bytes) / 1024
    if kilobytes < 1024 { return String(format: "%.1f KB", kilobytes) }
    return String(format: "%.1f MB", kilobytes / 1024)
  }
}
