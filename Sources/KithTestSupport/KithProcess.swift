import Foundation

/// The output of one finished `kith` run.
public struct KithRun: Sendable {
  public var status: Int32
  public var standardOutput: String
  public var standardError: String
}

/// Runs the built `kith` executable with a private store and config, for end-to-end tests.
public struct KithProcess: Sendable {
  public let store: URL
  public let config: URL

  /// Uses `folder` for the store and config; the folder must exist.
  public init(folder: URL) {
    store = folder.appendingPathComponent("kith.sqlite")
    config = folder.appendingPathComponent("config/config.json")
  }

  /// The `kith` executable: `KITH_BINARY` when set, else the one built beside the test binary.
  public static var executable: URL {
    if let path = ProcessInfo.processInfo.environment["KITH_BINARY"] {
      return URL(fileURLWithPath: path)
    }
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("kith")
    if FileManager.default.isExecutableFile(atPath: besideTests.path) {
      return besideTests
    }
    return Fixtures.repositoryRoot.appendingPathComponent(".build/debug/kith")
  }

  /// The arguments that point `kith` at this store and config.
  public var pathArguments: [String] {
    ["--store", store.path, "--config", config.path]
  }

  /// Runs `kith ARGUMENTS --store … --config …`, feeding `input` to standard input.
  ///
  /// The XDG variables point into the store's folder so that the log never lands in the
  /// user's home.
  public func run(_ arguments: [String], input: String? = nil) throws -> KithRun {
    let process = Process()
    process.executableURL = Self.executable
    process.arguments = arguments + pathArguments
    var environment = ProcessInfo.processInfo.environment
    environment["XDG_STATE_HOME"] = store.deletingLastPathComponent().appendingPathComponent("state").path
    process.environment = environment

    let output = Pipe()
    let errors = Pipe()
    let inputPipe = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = inputPipe
    try process.run()
    if let input {
      inputPipe.fileHandleForWriting.write(Data(input.utf8))
    }
    try inputPipe.fileHandleForWriting.close()

    // Read both pipes before waiting, so that a full pipe cannot block the child.
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return KithRun(
      status: process.terminationStatus,
      standardOutput: String(decoding: outputData, as: UTF8.self),
      standardError: String(decoding: errorData, as: UTF8.self))
  }
}

/// Makes a fresh folder for one test under `KITH_TEST_ROOT` (or the system's temp folder).
public func makeTestFolder(_ name: String) throws -> URL {
  let root = ProcessInfo.processInfo.environment["KITH_TEST_ROOT"].map { URL(fileURLWithPath: $0) }
    ?? FileManager.default.temporaryDirectory
  let folder = root.appendingPathComponent("\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  return folder
}
