import Foundation
import KithCore

/// A terminal color: the terminal's default or an index into its palette (0-255).
public enum ThemeColor: Hashable, Sendable {
  case terminalDefault
  case index(Int)

  static let names = [
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
  ]

  /// Parses `default`, a basic color name, `bright-` plus a name (palette 8-15), or 0-255.
  init?(parsing text: String) {
    let name = text.lowercased()
    if name == "default" {
      self = .terminalDefault
    } else if let index = Self.names.firstIndex(of: name) {
      self = .index(index)
    } else if name.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(name.dropFirst(7))) {
      self = .index(index + 8)
    } else if let number = Int(name), (0...255).contains(number) {
      self = .index(number)
    } else {
      return nil
    }
  }
}

/// A text attribute that works without colors.
public enum ThemeAttribute: String, CaseIterable, Sendable {
  case bold, reverse, underline, dim
}

/// The look of one style role: foreground, background and attributes.
public struct ThemeStyle: Hashable, Sendable {
  public var foreground: ThemeColor
  public var background: ThemeColor
  public var attributes: Set<ThemeAttribute>

  public init(
    foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
    attributes: Set<ThemeAttribute> = []
  ) {
    self.foreground = foreground
    self.background = background
    self.attributes = attributes
  }
}

/// A color theme: one style per `StyleRole`.
///
/// A theme file has one `role = foreground background [attribute ...]` line per role, for
/// example `selection = black cyan bold`. Lines starting with `#` are comments. Roles the file
/// leaves out take the monochrome style.
public struct Theme: Hashable, Sendable {
  public var name: String
  public var styles: [StyleRole: ThemeStyle]

  public init(name: String, styles: [StyleRole: ThemeStyle]) {
    self.name = name
    self.styles = styles
  }

  /// Returns the style for `role`, or the monochrome style when the theme lacks it.
  public func style(for role: StyleRole) -> ThemeStyle {
    styles[role] ?? Theme.monochrome.styles[role] ?? ThemeStyle()
  }

  /// Returns whether any role uses a color, so the terminal needs color support for it.
  public var usesColor: Bool {
    styles.values.contains { $0.foreground != .terminalDefault || $0.background != .terminalDefault }
  }

  /// The built-in theme for terminals without colors: attributes only.
  public static let monochrome = Theme(
    name: "mono",
    styles: [
      .text: ThemeStyle(),
      .paneTitle: ThemeStyle(attributes: [.underline]),
      .paneTitleFocused: ThemeStyle(attributes: [.bold, .reverse]),
      .selection: ThemeStyle(attributes: [.reverse]),
      .selectionInactive: ThemeStyle(attributes: [.underline]),
      .unread: ThemeStyle(attributes: [.bold]),
      .separator: ThemeStyle(attributes: [.dim]),
      .messageHeader: ThemeStyle(attributes: [.bold]),
      .status: ThemeStyle(attributes: [.reverse]),
      .statusError: ThemeStyle(attributes: [.reverse, .bold]),
      .help: ThemeStyle(),
    ])
}

// MARK: - Parsing and loading

extension Theme {
  /// Parses the text of a theme file.
  ///
  /// - Throws: `KithError` with `.invalidInput`, naming the line, for an unknown role,
  ///   color or attribute, or a line without `=`.
  public static func parse(_ text: String, name: String) throws -> Theme {
    var styles: [StyleRole: ThemeStyle] = [:]
    for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") {
        continue
      }
      let location = "theme \(name), line \(offset + 1)"
      let (role, style) = try parseLine(line, location: location)
      styles[role] = style
    }
    return Theme(name: name, styles: styles)
  }

  private static func parseLine(_ line: String, location: String) throws -> (
    StyleRole, ThemeStyle
  ) {
    let parts = line.split(separator: "=", maxSplits: 1)
    guard parts.count == 2 else {
      throw KithError(
        .invalidInput, "Invalid \(location): expected \"role = foreground background\".")
    }

    let roleName = parts[0].trimmingCharacters(in: .whitespaces)
    guard let role = StyleRole(rawValue: roleName) else {
      let known = StyleRole.allCases.map(\.rawValue).joined(separator: ", ")
      throw KithError(.invalidInput, "Unknown role \"\(roleName)\" in \(location); use one of \(known).")
    }

    let words = parts[1].split(separator: " ").map(String.init)
    guard words.count >= 2 else {
      throw KithError(.invalidInput, "Missing colors in \(location): give a foreground and a background.")
    }
    guard let foreground = ThemeColor(parsing: words[0]),
      let background = ThemeColor(parsing: words[1])
    else {
      throw KithError(
        .invalidInput,
        "Invalid color in \(location); use default, a color name, bright-NAME or 0-255.")
    }

    var attributes: Set<ThemeAttribute> = []
    for word in words.dropFirst(2) {
      guard let attribute = ThemeAttribute(rawValue: word.lowercased()) else {
        throw KithError(
          .invalidInput, "Unknown attribute \"\(word)\" in \(location); use bold, reverse, underline or dim.")
      }
      attributes.insert(attribute)
    }
    return (role, ThemeStyle(foreground: foreground, background: background, attributes: attributes))
  }

  /// The folders searched for `NAME.theme`, in order: `$KITH_THEME_DIR`,
  /// `$XDG_CONFIG_HOME/kith/themes` (or `~/.config/kith/themes`), `/usr/share/kith/themes`,
  /// and the repository's `Themes` folder, for runs from a source checkout.
  public static var searchDirectories: [URL] {
    let environment = ProcessInfo.processInfo.environment
    var directories: [URL] = []
    if let custom = environment["KITH_THEME_DIR"], !custom.isEmpty {
      directories.append(URL(fileURLWithPath: custom))
    }
    if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
      directories.append(URL(fileURLWithPath: config).appendingPathComponent("kith/themes"))
    } else if let home = environment["HOME"], !home.isEmpty {
      directories.append(URL(fileURLWithPath: home).appendingPathComponent(".config/kith/themes"))
    }
    directories.append(URL(fileURLWithPath: "/usr/share/kith/themes"))
    directories.append(sourceThemesDirectory)
    return directories
  }

  /// The `Themes` folder of the checkout this file was compiled from.
  static let sourceThemesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // KithUI
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()
    .appendingPathComponent("Themes")

  /// Loads the theme file `name.theme` from the first of `directories` that has it.
  ///
  /// The name `mono` without a file returns `Theme.monochrome`.
  /// - Throws: `KithError` with `.notFound` when no folder has the file, listing the folders,
  ///   or `.invalidInput` when the file does not parse.
  public static func load(named name: String, from directories: [URL] = searchDirectories) throws
    -> Theme
  {
    guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
      throw KithError(.configuration, "Invalid theme name \"\(name)\": use a file name without a folder.")
    }
    for directory in directories {
      let file = directory.appendingPathComponent(name + ".theme")
      guard let data = FileManager.default.contents(atPath: file.path) else { continue }
      return try parse(String(decoding: data, as: UTF8.self), name: name)
    }
    if name == "mono" {
      return monochrome
    }
    let searched = directories.map(\.path).joined(separator: ", ")
    throw KithError(
      .notFound,
      "Theme \"\(name)\" not found: no \(name).theme in \(searched). Use default, light, dark or mono, or add the file to one of those folders.")
  }
}
