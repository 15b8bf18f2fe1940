import CCurses
import KithCore

/// The ncurses version string, for `kith --version`.
public var cursesVersion: String { String(cString: curses_version()) }
