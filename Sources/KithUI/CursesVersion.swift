internal import CCurses

/// The ncurses version string, for `kith --version`.
public var cursesVersion: String { String(cString: curses_version()) }
