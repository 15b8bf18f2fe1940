import Foundation
import KithCore
import KithTestSupport
import Testing

@testable import KithUI

/// Creates an empty folder under the system temporary folder, which the caller removes.
private func makeTemporaryFolder() throws -> URL {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("kith-ui-save-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
  return folder
}

/// Builds the sample app with saves starting in `folder`, focused on Ada's first thread.
private func makeSavingApp(
  folder: URL, data: SampleMailData = .standard()
) -> (BrowserApp, InMemoryScreen) {
  let (app, screen) = makeApp(data: data)
  app.defaultSaveFolder = { folder }
  press(app, .tab)
  return (app, screen)
}

private func type(_ app: BrowserApp, _ text: String) {
  for character in text {
    app.handle(.key(.character(character)))
  }
  app.draw()
}

private func statusLine(_ screen: InMemoryScreen) -> String {
  screen.line(screen.size.rows - 1)
}

@Suite("Attachment saving in the browser")
struct AttachmentSaveFlowTests {
  @Test func attachmentListShowsNumberNameTypeSize() {
    let (app, screen) = makeApp()
    #expect(screen.text().contains("+ Ada Lovelace  08:30  [attachment 1] Here"))

    press(app, .character("e"))
    #expect(screen.text().contains("Attachment 1: q1.csv (text/csv, 2 KB)"))
  }

  @Test func numbersRunAcrossThread() {
    let data = SampleMailData.standard()
    data.messagesByThread[ThreadID(10)]![1].attachments = [
      AttachmentInfo(filename: "a.pdf", mimeType: "application/pdf", size: 3 * 1024 * 1024),
      AttachmentInfo(filename: nil, mimeType: "image/png", size: 100),
    ]
    let (_, screen) = makeApp(data: data)
    let text = screen.text()
    #expect(text.contains("[attachment 1]"))
    #expect(text.contains("Attachment 2: a.pdf (application/pdf, 3.0 MB)"))
    #expect(text.contains("Attachment 3: (unnamed) (image/png, 100 B)"))
  }

  @Test func defaultPathSavesIntoFolder() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = SampleMailData.standard()
    let (app, screen) = makeSavingApp(folder: folder, data: data)

    press(app, .character("s"))
    let expectedPath = folder.appendingPathComponent("q1.csv").path
    #expect(statusLine(screen).hasPrefix(" Save q1.csv to: "))
    #expect(statusLine(screen).hasSuffix(String(expectedPath.suffix(20))))

    press(app, .enter)
    let saved = try Data(contentsOf: URL(fileURLWithPath: expectedPath))
    #expect(saved == data.attachments[MessageRowID(100)]![0])
    #expect(statusLine(screen).contains("Saved attachment 1 to \(expectedPath) (2 KB)."))
    #expect(screen.style(row: screen.size.rows - 1, column: 1) == .status)
    #expect(app.prompt == nil)
  }

  @Test func typedPathUsedAsIs() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, screen) = makeSavingApp(folder: folder)

    press(app, .character("s"), .control("u"))
    type(app, folder.path + "/numbers.csvx")
    press(app, .backspace, .left, .left, .left, .left, .character("-"), .character("q"), .end)
    press(app, .enter)

    let file = folder.appendingPathComponent("numbers-q.csv")
    #expect(FileManager.default.fileExists(atPath: file.path))
    #expect(statusLine(screen).contains("Saved attachment 1 to \(file.path)"))
  }

  @Test func existingFileAsksBeforeOverwrite() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("q1.csv")
    try Data("old".utf8).write(to: file)
    let (app, screen) = makeSavingApp(folder: folder)

    press(app, .character("s"), .enter)
    #expect(statusLine(screen).contains("already exists. Overwrite? (y/n)"))
    press(app, .character("x"))
    #expect(statusLine(screen).contains("Overwrite? (y/n)"))

    press(app, .character("n"))
    #expect(statusLine(screen).contains("Not saved: \(file.path) already exists."))
    #expect(try Data(contentsOf: file) == Data("old".utf8))

    press(app, .character("s"), .enter, .character("y"))
    #expect(statusLine(screen).contains("Saved attachment 1"))
    #expect(try Data(contentsOf: file).count == 2048)
  }

  @Test func folderPathRejected() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, screen) = makeSavingApp(folder: folder)

    press(app, .character("s"), .control("u"))
    type(app, folder.path)
    press(app, .enter)

    #expect(statusLine(screen).contains("\(folder.path) is a folder. Type a file name after it."))
    #expect(screen.style(row: screen.size.rows - 1, column: 1) == .statusError)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func missingFolderReported() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, screen) = makeSavingApp(folder: folder)

    press(app, .character("s"), .control("u"))
    type(app, folder.path + "/nowhere/q1.csv")
    press(app, .enter)

    #expect(statusLine(screen).contains("Folder \(folder.path)/nowhere does not exist."))
  }

  @Test func escapeCancelsSave() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, screen) = makeSavingApp(folder: folder)

    press(app, .character("s"), .escape)

    #expect(app.prompt == nil)
    #expect(statusLine(screen).contains("Save cancelled."))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    // Keys act on the browser again once the prompt is gone.
    press(app, .character("j"))
    #expect(app.threadCursor.selected == 1)
    #expect(!statusLine(screen).contains("Save cancelled."))
  }

  @Test func promptTakesKeysFromKeymap() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, _) = makeSavingApp(folder: folder)

    press(app, .character("s"), .character("q"), .character("j"))

    #expect(!app.isFinished)
    #expect(app.threadCursor.selected == 0)
    guard case .savePath(let editor, _)? = app.prompt else {
      Issue.record("expected the save path prompt, found \(String(describing: app.prompt))")
      return
    }
    #expect(editor.text.hasSuffix("q1.csvqj"))
  }

  @Test func hostileNameSavedVisibly() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (app, screen) = makeApp()
    app.defaultSaveFolder = { folder }
    press(app, .character("j"), .character("j"), .tab)

    press(app, .character("s"))
    #expect(statusLine(screen).contains("invoice<U+202E>fdp.exe"))
    #expect(!statusLine(screen).unicodeScalars.contains { $0.value == 0x202E })

    press(app, .enter)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(names == ["invoice<U+202E>fdp.exe"])
  }

  @Test func severalAttachmentsAskForNumber() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = SampleMailData.standard()
    data.messagesByThread[ThreadID(10)]![1].attachments = [
      AttachmentInfo(filename: "../../b.txt", mimeType: "text/plain", size: 5)
    ]
    data.attachments[MessageRowID(101)] = [Data("hello".utf8)]
    let (app, screen) = makeSavingApp(folder: folder, data: data)

    press(app, .character("s"))
    #expect(statusLine(screen).hasPrefix(" Save attachment (1-2):"))

    type(app, "9")
    press(app, .enter)
    #expect(
      statusLine(screen).contains("Invalid attachment number \"9\". Type a number from 1 to 2."))
    #expect(app.prompt == nil)

    press(app, .character("s"))
    type(app, "2")
    press(app, .enter)
    #expect(statusLine(screen).hasPrefix(" Save ../../b.txt to: "))
    press(app, .enter)

    let file = folder.appendingPathComponent("_._b.txt")
    #expect(try Data(contentsOf: file) == Data("hello".utf8))
  }

  @Test func threadWithoutAttachmentsReported() {
    let (app, screen) = makeApp()
    press(app, .tab, .character("j"), .character("s"))
    #expect(app.prompt == nil)
    #expect(statusLine(screen).contains("This thread has no attachments."))
  }

  @Test func missingBytesReported() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = SampleMailData.standard()
    data.attachments = [:]
    let (app, screen) = makeSavingApp(folder: folder, data: data)

    press(app, .character("s"), .enter)

    #expect(
      statusLine(screen).contains("Attachment 1 (q1.csv) was not found in the stored message."))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test func saveHintShownInMessagePane() {
    let (app, screen) = makeApp()
    press(app, .tab, .tab)
    #expect(statusLine(screen).hasSuffix("s save  ? help"))
  }

  @Test func typedPathExpandsHome() {
    let home = BrowserApp.fileURL(
      forTypedPath: "~/a.txt", home: "/home/ann", currentDirectory: "/w")
    #expect(home?.path == "/home/ann/a.txt")
    let relative = BrowserApp.fileURL(forTypedPath: "b/c.txt", home: "/h", currentDirectory: "/w")
    #expect(relative?.path == "/w/b/c.txt")
    let folder = BrowserApp.fileURL(forTypedPath: "d/", home: "/h", currentDirectory: "/w")
    #expect(folder?.hasDirectoryPath == true)
    #expect(BrowserApp.fileURL(forTypedPath: "  ", home: "/h", currentDirectory: "/w") == nil)
  }
}
