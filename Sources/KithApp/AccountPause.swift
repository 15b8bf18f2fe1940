import Foundation
import KithCore

/// Reads and writes `AccountSettings.pauseReason` in the config file.
enum AccountPause {
  /// The reason stored when the server rejects the password.
  static let passwordRejected = "needs reauthorization: password rejected"

  /// Stores `reason` for the account `email` in the config file at `configFile`, so that
  /// `kith sync` skips it until `kith account add` writes the account again.
  ///
  /// - Throws: `KithError` with `.configuration` when the config cannot be read or written.
  static func record(_ reason: String, email: String, configFile: URL) throws {
    var config = try KithConfig.load(from: configFile)
    guard let index = config.accounts.firstIndex(where: { $0.email.lowercased() == email.lowercased() }) else {
      return
    }
    config.accounts[index].pauseReason = reason
    try config.save(to: configFile)
    Logger(label: "kith").notice("account paused", metadata: ["account": email, "reason": reason])
  }

  /// Returns the message printed for a paused account.
  static func message(email: String, reason: String) -> String {
    "\(email): skipped, \(reason); run kith account add again to resume."
  }
}
