import Foundation

/// A logger in the shape of swift-log: levels, autoclosure messages and metadata.
///
/// The UI owns the terminal, so log lines go to a file handler. Messages are constant
/// text and variable data goes in metadata. Passwords, tokens and bodies are never logged.
public struct Logger: Sendable {
  public enum Level: Int, Comparable, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    var name: String { String(describing: self) }
  }

  public typealias Metadata = [String: String]

  public let label: String
  public var metadata: Metadata = [:]

  public init(label: String) {
    self.label = label
  }

  public func log(
    _ level: Level, _ message: @autoclosure () -> String, metadata extra: Metadata = [:]
  ) {
    let handler = LogSink.shared
    guard level >= handler.minimumLevel else { return }
    let merged = metadata.merging(extra) { _, new in new }
    handler.write(level: level, label: label, message: message(), metadata: merged)
  }

  public func trace(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.trace, message(), metadata: metadata)
  }
  public func debug(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.debug, message(), metadata: metadata)
  }
  public func info(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.info, message(), metadata: metadata)
  }
  public func notice(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.notice, message(), metadata: metadata)
  }
  public func warning(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.warning, message(), metadata: metadata)
  }
  public func error(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.error, message(), metadata: metadata)
  }
  public func critical(_ message: @autoclosure () -> String, metadata: Metadata = [:]) {
    log(.critical, message(), metadata: metadata)
  }
}

/// The process-wide destination of log lines: a file, standard error, or nothing.
public final class LogSink: @unchecked Sendable {
  public static let shared = LogSink()

  private let lock = NSLock()
  private var handle: FileHandle?
  private var writesToStandardError = false
  public private(set) var minimumLevel: Logger.Level = .info
  private var lines: [String] = []
  private var keepsLines = false

  /// Sends log lines to the file at `path`, creating it and its folder.
  public func openFile(at path: String, level: Logger.Level = .info) {
    lock.lock()
    defer { lock.unlock() }
    let url = URL(fileURLWithPath: path)
    try? FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    // O_APPEND moves every write to the current end of the file, so the lines of two kith
    // processes (the browser and a `kith sync`, say) interleave instead of overwriting.
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    handle = descriptor >= 0 ? FileHandle(fileDescriptor: descriptor, closeOnDealloc: true) : nil
    minimumLevel = level
  }

  /// Sends log lines to standard error (for command-line runs with `--verbose`).
  public func useStandardError(level: Logger.Level) {
    lock.lock()
    defer { lock.unlock() }
    writesToStandardError = true
    minimumLevel = level
  }

  /// Keeps log lines in memory so that tests can read them.
  public func keepLinesInMemory(level: Logger.Level = .debug) {
    lock.lock()
    defer { lock.unlock() }
    keepsLines = true
    minimumLevel = min(minimumLevel, level)
  }

  /// Returns the lines kept in memory.
  public func keptLines() -> [String] {
    lock.lock()
    defer { lock.unlock() }
    return lines
  }

  func write(level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) {
    let stamp = ISO8601DateFormatter().string(from: Date())
    let meta = metadata.keys.sorted().map { "\($0)=\(metadata[$0]!)" }.joined(separator: " ")
    let line = "\(stamp) \(level.name) \(label): \(message)\(meta.isEmpty ? "" : " " + meta)\n"
    lock.lock()
    defer { lock.unlock() }
    if keepsLines { lines.append(line) }
    if let handle { handle.write(Data(line.utf8)) }
    if writesToStandardError { FileHandle.standardError.write(Data(line.utf8)) }
  }
}
