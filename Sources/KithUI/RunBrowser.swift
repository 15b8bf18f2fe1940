import KithCore

/// Opens the browser on the terminal and returns when the user quits.
///
/// Installs `TerminalGuard`, loads the theme, starts curses and restores the terminal before
/// returning, also when the app ends by an error.
/// - Parameters:
///   - themeName: the theme file name without `.theme`; nil selects `default`.
///   - status: returns the status line's text, such as each account's sync state.
/// - Throws: `KithError` when the theme is missing or invalid, or the terminal cannot be used.
public func runBrowser(
  data: MailBrowsing, themeName: String?, status: @escaping () -> String = { "" }
) throws {
  let theme = try Theme.load(named: themeName ?? "default")
  TerminalGuard.install()
  let screen = try CursesScreen(theme: theme)
  defer { screen.close() }

  let app = BrowserApp(data: data, screen: screen, status: status)
  app.run()
}
