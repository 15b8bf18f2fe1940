import Foundation

/// Paths of the repository and of the shared message corpus, for tests.
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
}
