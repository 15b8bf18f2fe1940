import Foundation

/// Paths of the repository and of the shared message corpus, and helpers for their
/// messages, for tests.
public enum Fixtures {
  /// The repository's root folder, found from this source file's location.
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // KithTestSupport
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()

  /// The real-world messages kept beside the repository, or `KITH_CORPUS` when set.
  public static var corpusDirectory: URL {
    if let path = ProcessInfo.processInfo.environment["KITH_CORPUS"] {
      return URL(fileURLWithPath: path)
    }
    return repositoryRoot.deletingLastPathComponent()
      .appendingPathComponent("shared/corpus/messages")
  }

  /// Returns the corpus file names (`*.eml`), sorted.
  public static func corpusFileNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: corpusDirectory.path)
      .filter { $0.hasSuffix(".eml") }
      .sorted()
  }

  /// Returns the bytes of one corpus file.
  public static func corpusMessage(_ name: String) throws -> Data {
    try Data(contentsOf: corpusDirectory.appendingPathComponent(name))
  }

  /// Converts LF line ends to CR LF and leaves existing CR LF pairs alone, as Dovecot serves
  /// Maildir files.
  public static func withCRLF(_ data: Data) -> Data {
    var result = Data(capacity: data.count + data.count / 40)
    var previous: UInt8 = 0
    for byte in data {
      if byte == 0x0A && previous != 0x0D { result.append(0x0D) }
      result.append(byte)
      previous = byte
    }
    return result
  }
}
