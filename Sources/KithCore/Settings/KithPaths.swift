import Foundation

/// The file locations Kith uses, following the XDG base directory conventions.
///
/// Config in `$XDG_CONFIG_HOME/kith` (default `~/.config/kith`), the store in
/// `$XDG_DATA_HOME/kith` (default `~/.local/share/kith`), the log in `$XDG_STATE_HOME/kith`
/// (default `~/.local/state/kith`). `--config` and `--store` override the first two.
public struct KithPaths: Sendable {
  public var configFile: URL
  public var storeFile: URL
  public var logFile: URL

  /// The password file sits beside the config file so that `--config` moves both.
  public var credentialsFile: URL {
    configFile.deletingLastPathComponent().appendingPathComponent("credentials.json")
  }

  public init(configFile: URL, storeFile: URL, logFile: URL) {
    self.configFile = configFile
    self.storeFile = storeFile
    self.logFile = logFile
  }

  /// Resolves the default paths from `environment`, then applies the overrides.
  public static func resolve(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    configOverride: String? = nil, storeOverride: String? = nil
  ) -> KithPaths {
    let home = environment["HOME"] ?? NSHomeDirectory()

    func base(_ variable: String, _ fallback: String) -> URL {
      // The XDG spec says relative values are invalid and must be ignored.
      if let value = environment[variable], value.hasPrefix("/") {
        return URL(fileURLWithPath: value)
      }
      return URL(fileURLWithPath: home).appendingPathComponent(fallback)
    }

    let config = base("XDG_CONFIG_HOME", ".config").appendingPathComponent("kith/config.json")
    let data = base("XDG_DATA_HOME", ".local/share").appendingPathComponent("kith/kith.sqlite")
    let state = base("XDG_STATE_HOME", ".local/state").appendingPathComponent("kith/kith.log")
    return KithPaths(
      configFile: configOverride.map { URL(fileURLWithPath: $0) } ?? config,
      storeFile: storeOverride.map { URL(fileURLWithPath: $0) } ?? data,
      logFile: state)
  }
}
