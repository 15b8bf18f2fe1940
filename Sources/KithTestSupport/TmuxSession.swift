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
    // tmux leaves a server running in the background that keeps every file descriptor it
    // inherited. Foundation's Process detects a child's exit through a descriptor the child
    // inherits, so the server is started with posix_spawn and every other descriptor closed.
    try Self.startServer(socket, [
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

  /// Polls the pane until `predicate` is true or `timeout` seconds pass, and returns the last
  /// capture.
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

  /// The end of the pane's command: an exit status or a signal.
  public enum Ending: Equatable, Sendable {
    case exited(Int32)
    case killed(signal: Int32)
  }

  /// Returns how the pane's command ended, or nil while it still runs.
  public func ending() throws -> Ending? {
    let format = "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"
    let text = try Self.tmux(socket, ["display-message", "-p", format])
    let parts = text.trimmingCharacters(in: .whitespacesAndNewlines)
      .split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, parts[0] == "1" else { return nil }
    // tmux marks the pane dead when the terminal closes and fills in the status once it has
    // reaped the process, so a dead pane without either is still ending.
    if let status = Int32(parts[1]) { return .exited(status) }
    if let signal = Int32(parts[2]) { return .killed(signal: signal) }
    return nil
  }

  /// Kills the tmux server by PID; safe to call twice.
  public func stop() {
    guard let pid = serverPID else { return }
    serverPID = nil
    kill(pid, SIGTERM)
    // A server that ignores SIGTERM, or whose pane keeps running, is killed after 2 s so that
    // no test leaves it behind.
    for _ in 0..<20 where kill(pid, 0) == 0 {
      usleep(100_000)
    }
    if kill(pid, 0) == 0 {
      kill(pid, SIGKILL)
    }
  }

  static func startServer(_ socket: URL, _ arguments: [String]) throws {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // Glibc's closefrom action is not visible to Swift, so each open descriptor is listed.
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
      posix_spawn_file_actions_addclose(&actions, descriptor)
    }

    // The caller's thread may block signals (Foundation does for its own children), and the
    // server and the program in its pane must still stop on SIGTERM and SIGHUP.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGHUP, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let all = ["/usr/bin/tmux", "-S", socket.path] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, &argv, environ)
    guard rc == 0 else {
      throw TmuxError(message: "Starting tmux failed: \(String(cString: strerror(rc)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED and WEXITSTATUS are macros; status 0 means a normal exit with code 0.
    guard status == 0 else {
      throw TmuxError(message: "tmux new-session failed with wait status \(status)")
    }
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
