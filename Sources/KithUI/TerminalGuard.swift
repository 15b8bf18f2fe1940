internal import CCurses

/// Restores the terminal when a signal ends the process while curses is active.
///
/// The guarded signals are SIGINT, SIGTERM, SIGHUP, SIGQUIT and the crash signals SIGSEGV,
/// SIGBUS, SIGABRT, SIGILL, SIGFPE and SIGTRAP. The handler calls `endwin()`, then raises the
/// signal again under the default disposition, so the exit status and any core dump stay as
/// they would be. Signals ignored at install time (as under `nohup`) are left alone.
/// NOTE: the handler replaces any earlier one, such as the Swift runtime's backtracer, which
/// then no longer runs for these signals.
public enum TerminalGuard {
  /// Installs the handlers. A second call finds them in place and installs nothing.
  ///
  /// Call it before opening a `CursesScreen`, so that ncurses, which only catches SIGINT
  /// and SIGTERM when they have the default disposition, leaves these handlers in place.
  /// - Returns: the number of handlers installed by this call.
  @discardableResult
  public static func install() -> Int {
    Int(kith_curses_install_signal_guard())
  }
}
