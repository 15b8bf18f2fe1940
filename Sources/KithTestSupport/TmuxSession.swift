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

  /// Runs tmux with `arguments` on `socket` and returns its output.
  ///
  /// Foundation's `Process` on Linux (swift-corelibs-foundation, Swift 6.3) notices a child's
  /// exit through a socket that the child inherits. `new-session` starts the tmux server,
  /// which keeps that socket open, so `waitUntilExit()` could wait forever. `posix_spawn`
  /// and `waitpid` wait for the tmux client alone.
  @discardableResult
  static func tmux(_ socket: URL, _ arguments: [String]) throws -> String {
    let outputURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-tmux-\(UUID().uuidString).out")
    defer { try? FileManager.default.removeItem(at: outputURL) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    // Test threads may block or ignore signals, and a spawned child inherits both, so the
    // tmux server and the program in its pane would not see SIGCHLD or SIGHUP.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let executable = "/usr/bin/tmux"
    let argv = ([executable, "-S", socket.path] + arguments).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawnResult = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environ)
    guard spawnResult == 0 else {
      throw TmuxError(message: "Starting \(executable) failed: \(String(cString: strerror(spawnResult)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}

    let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    // The low 7 bits are the terminating signal (0 for a normal exit), the next 8 the status.
    guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
      throw TmuxError(message: "tmux \(arguments.first ?? "") failed: \(text)")
    }
    return text
  }
}

public struct TmuxError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
