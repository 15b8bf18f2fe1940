import Foundation
import KithCore
import KithUI

extension CommandContext {
  func browse() throws -> Int32 {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      throw KithError(.configuration, "The browser needs a terminal: run kith from an interactive shell, or use kith sync and kith show in scripts.")
    }
    let config = try loadConfig()
    let store = try self.store()
    let accounts = config.accounts.map(\.email).joined(separator: ", ")
    let status = accounts.isEmpty ? "No account: add one with kith account add" : accounts
    try runBrowser(data: store, themeName: config.theme, status: { status })
    return 0
  }
}
