import Foundation
import KithCore

extension CommandContext {
  func showFile(path: String) throws -> Int32 {
    let raw: Data
    if path == "-" {
      raw = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      raw = try InputFile.read(path)
    }
    printMessage(raw)
    return 0
  }

  func showStored(id: Int64) throws -> Int32 {
    let store = try store()
    guard let raw = try store.rawMessage(MessageRowID(id)) else {
      throw KithError(.notFound, "Message \(id) was not found in the store \(paths.storeFile.path).")
    }
    var parsed = MessageParser.parse(raw)
    // The pane shows the server's arrival time for a message without a Date header.
    if parsed.date == nil {
      parsed.date = try store.shownDate(of: MessageRowID(id))
    }
    printMessage(parsed)
    return 0
  }

  /// Prints the message as the message pane shows it, sanitized so that a pager or terminal
  /// never receives control characters from the mail.
  private func printMessage(_ raw: Data) {
    printMessage(MessageParser.parse(raw))
  }

  private func printMessage(_ parsed: ParsedMessage) {
    let text = MessageRenderer.render(parsed)
    var output = TerminalText.sanitizeBody(text)
    if !output.hasSuffix("\n") { output += "\n" }
    FileHandle.standardOutput.write(Data(output.utf8))
  }
}
