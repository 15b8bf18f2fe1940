import Foundation
import KithCore
import Testing

/// Creates an empty folder under the system temporary folder, which the caller removes.
private func makeTemporaryFolder() throws -> URL {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("kith-save-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
  return folder
}

private func contents(of folder: URL) throws -> [String] {
  try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
}

@Suite struct SafeFileNameTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String?
    var mimeType: String
    var expected: String
    var testDescription: String { "\(String(reflecting: name)) -> \(expected)" }

    init(_ name: String?, _ mimeType: String, _ expected: String) {
      self.name = name
      self.mimeType = mimeType
      self.expected = expected
    }

    init(_ name: String?, _ expected: String) {
      self.init(name, "application/octet-stream", expected)
    }
  }

  static let cases: [Case] = [
    Case("report.pdf", "application/pdf", "report.pdf"),
    Case("Résumé 2026.docx", "Résumé 2026.docx"),
    Case("../../etc/passwd", "_._etc_passwd"),
    Case("..\\..\\windows\\win.ini", "_._windows_win.ini"),
    Case("/etc/shadow", "_etc_shadow"),
    Case("..", "text/plain", "attachment.txt"),
    Case(".", "text/plain", "attachment.txt"),
    Case("...", "text/plain", "attachment.txt"),
    Case("a..b", "a.b"),
    Case(".bashrc", "bashrc"),
    Case("...hidden", "hidden"),
    Case("-rf", "rf"),
    Case("  spaced.txt  ", "spaced.txt"),
    Case("name.", "name"),
    Case("line\nbreak\u{0}.txt", "line_break_.txt"),
    Case("bell\u{07}esc\u{1B}[31m.txt", "bell_esc_[31m.txt"),
    Case("c1\u{9B}x\u{7F}.txt", "c1_x_.txt"),
    Case("invoice\u{202E}fdp.exe", "invoice<U+202E>fdp.exe"),
    Case("photo\u{2066}gpj.js\u{2069}", "photo<U+2066>gpj.js<U+2069>"),
    Case("mark\u{200F}.txt", "mark<U+200F>.txt"),
    Case(nil, "application/pdf", "attachment.pdf"),
    Case("", "image/png", "attachment.png"),
    Case("   ", "text/csv; charset=utf-8", "attachment.csv"),
    Case(nil, "application/x-unknown", "attachment.bin"),
    Case("会議資料.pdf", "会議資料.pdf"),
    Case("e\u{0301}.txt", "\u{00E9}.txt"),
  ]

  @Test(arguments: cases)
  func cleansName(_ testCase: Case) {
    let name = AttachmentSaving.safeFileName(testCase.name, mimeType: testCase.mimeType)
    #expect(name == testCase.expected)
  }

  @Test(arguments: cases)
  func resultIsOnePlainComponent(_ testCase: Case) {
    let name = AttachmentSaving.safeFileName(testCase.name, mimeType: testCase.mimeType)
    #expect(!name.isEmpty)
    #expect(!name.contains("/"))
    #expect(!name.contains("\\"))
    #expect(!name.contains(".."))
    #expect(!name.hasPrefix("."))
    #expect(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    #expect(!name.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) })
  }

  @Test func longNameKeepsExtension() {
    let name = AttachmentSaving.safeFileName(
      String(repeating: "x", count: 400) + ".pdf", mimeType: "application/pdf")
    #expect(name.utf8.count == 255)
    #expect(name.hasSuffix("xxx.pdf"))
  }

  @Test func longMultibyteNameCutsWholeCharacters() {
    // Each 日 is 3 bytes of UTF-8, so 251 bytes of stem leave room for 83 of them.
    let name = AttachmentSaving.safeFileName(
      String(repeating: "日", count: 200) + ".txt", mimeType: "text/plain")
    #expect(name.utf8.count <= 255)
    #expect(name == String(repeating: "日", count: 83) + ".txt")
  }

  @Test func longExtensionIsCutToo() {
    let name = AttachmentSaving.safeFileName(
      "a." + String(repeating: "e", count: 300), mimeType: "text/plain")
    #expect(name.utf8.count == 255)
    #expect(name.hasPrefix("a.eee"))
  }

  @Test func placeholdersCountTowardLimit() {
    let name = AttachmentSaving.safeFileName(
      String(repeating: "\u{202E}", count: 100) + ".exe", mimeType: "text/plain")
    #expect(name.utf8.count <= 255)
    #expect(name.hasSuffix(".exe"))
  }
}

@Suite struct AttachmentSaveTests {
  @Test func saveWritesSafeNameIntoFolder() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }

    let url = try AttachmentSaving.save(
      Data("a,b\n".utf8), named: "../q1.csv", mimeType: "text/csv", into: folder,
      overwrite: false)

    #expect(url.deletingLastPathComponent().standardizedFileURL == folder.standardizedFileURL)
    #expect(url.lastPathComponent == "_q1.csv")
    #expect(try Data(contentsOf: url) == Data("a,b\n".utf8))
    #expect(try contents(of: folder) == ["_q1.csv"])
  }

  @Test func saveRefusesToOverwrite() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let existing = folder.appendingPathComponent("q1.csv")
    try Data("old".utf8).write(to: existing)

    #expect {
      try AttachmentSaving.save(
        Data("new".utf8), named: "q1.csv", mimeType: "text/csv", into: folder, overwrite: false)
    } throws: { error in
      (error as? KithError)?.message
        == "\(existing.path) already exists. Choose another name or allow overwriting."
    }
    #expect(try Data(contentsOf: existing) == Data("old".utf8))
    // The temporary file is gone, so nothing but the old file remains.
    #expect(try contents(of: folder) == ["q1.csv"])
  }

  @Test func saveOverwritesWhenAsked() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let existing = folder.appendingPathComponent("q1.csv")
    try Data("old".utf8).write(to: existing)

    let url = try AttachmentSaving.save(
      Data("new".utf8), named: "q1.csv", mimeType: "text/csv", into: folder, overwrite: true)

    #expect(url.lastPathComponent == "q1.csv")
    #expect(try Data(contentsOf: existing) == Data("new".utf8))
    #expect(try contents(of: folder) == ["q1.csv"])
  }

  @Test func overwriteReplacesFileNotLinkTarget() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let target = folder.appendingPathComponent("target.txt")
    try Data("target".utf8).write(to: target)
    let link = folder.appendingPathComponent("link.txt")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)

    _ = try AttachmentSaving.write(Data("new".utf8), to: link, overwrite: true)

    // rename(2) replaces the link itself, so the file it pointed to keeps its bytes.
    #expect(try Data(contentsOf: target) == Data("target".utf8))
    #expect(try Data(contentsOf: link) == Data("new".utf8))
  }

  @Test func danglingLinkCountsAsExisting() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let link = folder.appendingPathComponent("dangling.txt")
    try FileManager.default.createSymbolicLink(
      atPath: link.path, withDestinationPath: folder.appendingPathComponent("none").path)

    #expect(throws: KithError.self) {
      try AttachmentSaving.write(Data("x".utf8), to: link, overwrite: false)
    }
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("none").path))
  }

  @Test func writeRejectsDirectory() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }

    #expect {
      try AttachmentSaving.write(Data("x".utf8), to: folder, overwrite: true)
    } throws: { error in
      (error as? KithError)?.message == "\(folder.path) is a folder. Type a file name after it."
    }
    let slashPath = URL(fileURLWithPath: folder.path + "/new/", isDirectory: true)
    #expect(throws: KithError.self) {
      try AttachmentSaving.write(Data("x".utf8), to: slashPath, overwrite: false)
    }
    #expect(try contents(of: folder).isEmpty)
  }

  @Test func writeReportsMissingFolder() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("missing/a.txt")

    #expect {
      try AttachmentSaving.write(Data("x".utf8), to: file, overwrite: false)
    } throws: { error in
      (error as? KithError)?.code == .notFound
    }
  }

  @Test func writeUsesTypedNameAsIs() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A name the user typed is theirs, even one that starts with a dot.
    let file = folder.appendingPathComponent(".notes")

    let url = try AttachmentSaving.write(Data("x".utf8), to: file, overwrite: false)

    #expect(url == file)
    #expect(try contents(of: folder) == [".notes"])
  }

  @Test func emptyDataWritesEmptyFile() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }

    let url = try AttachmentSaving.save(
      Data(), named: "empty.txt", mimeType: "text/plain", into: folder, overwrite: false)

    #expect(try Data(contentsOf: url).isEmpty)
  }

  @Test func defaultFolderPrefersDownloadVariable() throws {
    let folder = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }

    let chosen = AttachmentSaving.defaultFolder(
      environment: ["XDG_DOWNLOAD_DIR": folder.path, "HOME": "/nonexistent-home"],
      currentDirectory: "/tmp")
    #expect(chosen.path == folder.path)
  }

  @Test func defaultFolderFallsBackToHomeThenCurrent() throws {
    let home = try makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: home) }

    let withoutDownloads = AttachmentSaving.defaultFolder(
      environment: ["HOME": home.path, "XDG_DOWNLOAD_DIR": home.path + "/missing"],
      currentDirectory: "/tmp")
    #expect(withoutDownloads.path == "/tmp")

    let downloads = home.appendingPathComponent("Downloads")
    try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: false)
    let withDownloads = AttachmentSaving.defaultFolder(
      environment: ["HOME": home.path], currentDirectory: "/tmp")
    #expect(withDownloads.path == downloads.path)
  }
}
