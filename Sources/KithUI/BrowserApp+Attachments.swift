import Foundation
import KithCore

/// One attachment of the selected thread, with the number the message pane shows for it.
struct ThreadAttachment: Hashable {
  /// The number shown in the message pane, counted from 1 across the thread.
  var number: Int
  var message: MessageRowID
  /// The attachment's position among its message's attachments, as `attachmentData` takes it.
  var index: Int
  var info: AttachmentInfo

  var displayName: String {
    TerminalText.sanitize(info.filename ?? "attachment \(number)")
  }
}

/// A question in the status line that takes the keys until it is answered or cancelled.
enum BrowserPrompt: Hashable {
  /// The number of the attachment to save, requested when the thread has more than one.
  case attachmentNumber(LineEditor, count: Int)
  /// The path to save the attachment to, prefilled with the default folder and a safe name.
  case savePath(LineEditor, ThreadAttachment)
  /// The y/n question whether to replace an existing file with the attachment's bytes.
  case overwrite(ThreadAttachment, URL, Data)
}

/// A one-line result shown in the status line until the next key.
struct StatusNotice: Hashable {
  var text: String
  var isError: Bool
}

extension BrowserApp {
  /// The attachments of the selected thread's messages, numbered as the message pane shows.
  var threadAttachments: [ThreadAttachment] {
    var result: [ThreadAttachment] = []
    for message in messages {
      for (index, info) in message.attachments.enumerated() {
        result.append(
          ThreadAttachment(number: result.count + 1, message: message.id, index: index, info: info))
      }
    }
    return result
  }

  /// Starts saving by prompting for the attachment's number when the thread has several,
  /// else for the path.
  func startSavingAttachment() {
    let attachments = threadAttachments
    if attachments.isEmpty {
      notice = StatusNotice(text: "This thread has no attachments.", isError: true)
    } else if attachments.count == 1 {
      askForSavePath(attachments[0])
    } else {
      prompt = .attachmentNumber(LineEditor(), count: attachments.count)
    }
  }

  private func askForSavePath(_ attachment: ThreadAttachment) {
    let name = AttachmentSaving.safeFileName(
      attachment.info.filename, mimeType: attachment.info.mimeType)
    let path = defaultSaveFolder().appendingPathComponent(name).path
    prompt = .savePath(LineEditor(text: path), attachment)
  }

  // MARK: Keys

  /// Passes `key` to the open prompt and acts on the answer.
  func handlePromptKey(_ key: Key) {
    switch prompt {
    case .attachmentNumber(var editor, let count):
      switch editor.handle(key) {
      case .editing: prompt = .attachmentNumber(editor, count: count)
      case .cancelled: cancelSaving()
      case .submitted(let text): chooseAttachment(text, count: count)
      }
    case .savePath(var editor, let attachment):
      switch editor.handle(key) {
      case .editing: prompt = .savePath(editor, attachment)
      case .cancelled: cancelSaving()
      case .submitted(let text): save(attachment, toTypedPath: text)
      }
    case .overwrite(let attachment, let file, let bytes):
      answerOverwrite(key, attachment: attachment, file: file, bytes: bytes)
    case nil:
      break
    }
  }

  private func cancelSaving() {
    prompt = nil
    notice = StatusNotice(text: "Save cancelled.", isError: false)
  }

  private func chooseAttachment(_ text: String, count: Int) {
    prompt = nil
    let typed = text.trimmingCharacters(in: .whitespaces)
    // The thread may have been reloaded while the prompt was open, so check the current list.
    let attachments = threadAttachments
    guard let number = Int(typed), (1...count).contains(number),
      attachments.indices.contains(number - 1)
    else {
      let shown = TerminalText.truncate(TerminalText.sanitize(typed), toWidth: 20, ellipsis: "…")
      notice = StatusNotice(
        text: "Invalid attachment number \"\(shown)\". Type a number from 1 to \(count).",
        isError: true)
      return
    }
    askForSavePath(attachments[number - 1])
  }

  private func answerOverwrite(
    _ key: Key, attachment: ThreadAttachment, file: URL, bytes: Data
  ) {
    switch key {
    case .character("y"), .character("Y"):
      prompt = nil
      write(bytes, of: attachment, to: file, overwrite: true)
    case .character("n"), .character("N"), .escape:
      prompt = nil
      notice = StatusNotice(text: "Not saved: \(file.path) already exists.", isError: false)
    default:
      break
    }
  }

  // MARK: Saving

  /// Reads the attachment's bytes and writes them to the path the user typed, used as is
  /// apart from a leading `~`. An existing file leads to the overwrite question.
  private func save(_ attachment: ThreadAttachment, toTypedPath text: String) {
    prompt = nil
    guard let file = Self.fileURL(forTypedPath: text) else {
      notice = StatusNotice(text: "No path given. Press s and type a file name.", isError: true)
      return
    }
    let bytes: Data
    do {
      guard let found = try data.attachmentData(of: attachment.message, index: attachment.index)
      else {
        showSaveError(
          "Attachment \(attachment.number) (\(attachment.displayName)) was not found in the stored message. Sync and try again.",
          attachment: attachment)
        return
      }
      bytes = found
    } catch {
      let reason = (error as? KithError)?.message ?? "\(error)"
      showSaveError(
        "Failed to read attachment \(attachment.number): \(reason)", attachment: attachment,
        error: error)
      return
    }
    write(bytes, of: attachment, to: file, overwrite: false)
  }

  private func write(_ bytes: Data, of attachment: ThreadAttachment, to file: URL, overwrite: Bool)
  {
    do {
      let saved = try AttachmentSaving.write(bytes, to: file, overwrite: overwrite)
      let size = ByteCountText.format(bytes.count)
      notice = StatusNotice(
        text: "Saved attachment \(attachment.number) to \(saved.path) (\(size)).", isError: false)
    } catch {
      let isFolder = file.hasDirectoryPath || AttachmentSaving.isDirectory(file.path)
      if !overwrite, !isFolder, AttachmentSaving.fileExists(at: file) {
        prompt = .overwrite(attachment, file, bytes)
        return
      }
      let reason = (error as? KithError)?.message ?? "\(error)"
      showSaveError(reason, attachment: attachment, error: error)
    }
  }

  private func showSaveError(_ text: String, attachment: ThreadAttachment, error: Error? = nil) {
    notice = StatusNotice(text: text, isError: true)
    logger.error(
      "failed to save attachment",
      metadata: [
        "message.id": "\(attachment.message)", "attachment.index": "\(attachment.index)",
        "error": "\(error.map { "\($0)" } ?? text)",
      ])
  }

  /// Returns the file URL for a typed path: `~` and `~/` start at the home folder, and a
  /// relative path starts at the current directory. Returns nil for an empty path.
  ///
  /// The home folder is `$HOME`, as in a shell, and the account's home only without it.
  static func fileURL(
    forTypedPath text: String,
    home: String = ProcessInfo.processInfo.environment["HOME"]
      ?? FileManager.default.homeDirectoryForCurrentUser.path,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) -> URL? {
    guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
    var path = text
    if path == "~" {
      path = home + "/"
    } else if path.hasPrefix("~/") {
      path = home + path.dropFirst()
    }
    if !path.hasPrefix("/") {
      path =
        (currentDirectory as NSString).appendingPathComponent(path)
        + (path.hasSuffix("/") ? "/" : "")
    }
    return URL(fileURLWithPath: path, isDirectory: path.hasSuffix("/"))
  }

  // MARK: Drawing

  /// Draws the prompt over the status line, with the cursor as one highlighted cell.
  func drawPrompt(_ prompt: BrowserPrompt, layout: BrowserLayout) {
    let width = layout.size.columns
    let label: String
    var editor: LineEditor?
    switch prompt {
    case .attachmentNumber(let field, let count):
      label = " Save attachment (1-\(count)): "
      editor = field
    case .savePath(let field, let attachment):
      label = " Save \(attachment.displayName) to: "
      editor = field
    case .overwrite(_, let file, _):
      label = " \(TerminalText.sanitize(file.path)) already exists. Overwrite? (y/n) "
    }

    // With a text field, the label takes at most half the line, so the typed text has room.
    let labelLimit = editor == nil ? width : max(1, width / 2)
    let shownLabel = TerminalText.truncate(label, toWidth: labelLimit, ellipsis: "… ")
    let labelWidth = TerminalText.width(shownLabel)
    screen.draw(
      TerminalText.pad(shownLabel, toWidth: width), row: layout.statusRow, column: 0,
      style: .status)

    let fieldWidth = width - labelWidth
    let line = editor?.visibleLine(width: fieldWidth) ?? (text: "", cursorColumn: 0)
    screen.draw(line.text, row: layout.statusRow, column: labelWidth, style: .status)

    let cursorColumn = labelWidth + line.cursorColumn
    let underCursor = character(in: line.text, atColumn: line.cursorColumn)
    screen.draw(underCursor, row: layout.statusRow, column: cursorColumn, style: .selection)
  }

  /// Returns the character drawn at `column` of `text`, or a blank past its end.
  private func character(in text: String, atColumn column: Int) -> String {
    var position = 0
    for character in text {
      if position == column {
        return String(character)
      }
      position += TerminalText.width(of: character)
    }
    return " "
  }
}
