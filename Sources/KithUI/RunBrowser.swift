import KithCore

/// Opens the browser on the terminal and returns when the user quits.
///
/// Installs `TerminalGuard`, loads the theme, starts curses and restores the terminal before
/// returning, also when the app ends by an error. Call it from a thread that may block until
/// the user quits, not from a task on the cooperative pool.
/// - Parameters:
///   - themeName: the theme file name without `.theme`; nil selects `default`.
///   - status: returns the status line's text when `live` is nil.
///   - live: when given, supplies the status line's text, and its reload requests reload
///     the data within about a second.
/// - Throws: `KithError` when the theme is missing or invalid, or the terminal cannot be used.
public func runBrowser(
  data: MailBrowsing, themeName: String?, status: @escaping () -> String = { "" },
  live: LiveUpdates? = nil
) throws {
  let theme = try Theme.load(named: themeName ?? "default")
  TerminalGuard.install()
  let cursesScreen = try CursesScreen(theme: theme)
  defer { cursesScreen.close() }

  guard let live else {
    BrowserApp(data: data, screen: cursesScreen, status: status).run()
    return
  }
  let screen = LiveUpdatingScreen(base: cursesScreen, updates: live)
  let app = BrowserApp(data: data, screen: screen, status: { live.statusText })
  screen.app = app
  app.run()
}
