import Foundation

/// A tmux server on a private socket running one command in a detached session of fixed size.
///
/// `stop()` ends the tmux server by its PID, so a failing test never leaves it behind.
public final class TmuxSession: @unchecked Sendable {
  public let socket: URL
  private var serverPID: Int32?

  /// Starts `command` (run by `sh -c`) in a `columns` x `rows` window.
  public init(command: String, columns: Int, rows: Int, folder: URL, environment: [String: String] = [:]) throws {
    socket = folder.appendingPathComponent("tmux.sock")
    let exports = environment.map { "export \($0.key)='\($0.value)';" }.joined(separator: " ")
    try Self.tmux(socket, [
      "-f", "/dev/null", "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)",
      "\(exports) TERM=xterm-256color exec \(command)",
    ])
    let pid = try Self.tmux(socket, ["display-message", "-p", "#{pid}"])
    serverPID = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines))
    // Keep the pane after the command exits, so that tests can read its exit status.
    _ = try? Self.tmux(socket, ["set-option", "-g", "remain-on-exit", "on"])
  }

  deinit { stop() }

  /// Returns the visible text of the pane, one line per row.
  public func capture() throws -> String {
    try Self.tmux(socket, ["capture-pane", "-p"])
  }

  /// Sends keys in tmux's `send-keys` notation, such as `j`, `Tab` or `C-c`.
  public func send(_ keys: String...) throws {
    _ = try Self.tmux(socket, ["send-keys"] + keys)
  }

  /// Polls the pane until `predicate` holds or `timeout` seconds pass; returns the last capture.
  @discardableResult
  public func waitForScreen(timeout: TimeInterval = 15, _ predicate: (String) -> Bool) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = try capture()
    while !predicate(screen) && Date() < deadline {
      usleep(100_000)
      screen = try capture()
    }
    return screen
  }

  /// Returns whether the pane's command has exited, and its status when it has.
  public func exitStatus() throws -> Int32? {
    let text = try Self.tmux(socket, ["display-message", "-p", "#{pane_dead} #{pane_dead_status}"])
    let parts = text.split(separator: " ").map(String.init)
    guard parts.first == "1" else { return nil }
    return parts.count > 1 ? Int32(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) : -1
  }

  /// Kills the tmux server by PID; safe to call twice.
  public func stop() {
    guard let pid = serverPID else { return }
    serverPID = nil
    kill(pid, SIGTERM)
  }

  @discardableResult
  static func tmux(_ socket: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
    process.arguments = ["-S", socket.path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw TmuxError(message: "tmux \(arguments.first ?? "") failed: \(text)")
    }
    return text
  }
}

public struct TmuxError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
