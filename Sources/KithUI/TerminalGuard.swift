internal import CCurses

/// Restores the terminal when a signal ends the process while curses is active.
///
/// After SIGINT, SIGTERM, SIGHUP, SIGQUIT or a crash (SIGSEGV, SIGBUS, SIGABRT, SIGILL,
/// SIGFPE, SIGTRAP), a handler calls `endwin()` and raises the signal again under the
/// disposition it replaced, usually the default, so the exit status and any core dump stay
/// as they would be. Signals ignored at install time (as under `nohup`) are left alone.
public enum TerminalGuard {
  /// Installs the handlers. Calling it again installs nothing new.
  ///
  /// Call it before opening a `CursesScreen`, so that ncurses, which only catches SIGINT
  /// and SIGTERM when they have the default disposition, leaves these handlers in place.
  /// - Returns: the number of handlers installed by this call.
  @discardableResult
  public static func install() -> Int {
    // The C shim keeps the replaced dispositions in a file-static array, so every call goes
    // through this one function to use one copy of it.
    Int(kith_curses_install_signal_guard())
  }
}
