import Foundation
import Testing

@testable import KithCore

/// The message a user sees for a broken config or credential file must point at the value.
@Suite struct ConfigFileErrorTests {
  private static let validAccount = """
    {"email": "ann@example.com", "login": "ann", "imapHost": "imap.example.com",
     "imapPort": 993, "imapSecurity": "tls", "smtpHost": "smtp.example.com",
     "smtpPort": 587, "smtpSecurity": "starttls", "sharing": "private",
     "storeSentOnServer": true, "smtpUsesIMAPCredentials": true, "isActive": true}
    """

  private func loadMessage(_ text: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-config-error-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("config.json")
    try Data(text.utf8).write(to: url)

    let error = try #require(throws: KithError.self) { try KithConfig.load(from: url) }
    #expect(error.code == .configuration)
    #expect(error.message.contains(url.path))
    return error.message
  }

  @Test func validConfigLoads() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-config-valid-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("{\"accounts\": [\(Self.validAccount)]}".utf8).write(to: folder)
    let config = try KithConfig.load(from: folder)
    #expect(config.accounts.map(\.imapPort) == [993])
  }

  @Test func wrongTypeNamesKeyPath() throws {
    let text = "{\"accounts\": [\(Self.validAccount.replacingOccurrences(of: "993", with: "\"993\""))]}"
    let message = try loadMessage(text)
    #expect(message.contains("accounts[0].imapPort"))
    #expect(message.contains("Int"))
  }

  @Test func invalidEnumNamesKeyPath() throws {
    let text = "{\"accounts\": [\(Self.validAccount.replacingOccurrences(of: "\"tls\"", with: "\"ssl\""))]}"
    let message = try loadMessage(text)
    #expect(message.contains("accounts[0].imapSecurity"))
    #expect(message.contains("ssl"))
  }

  @Test func missingKeyNamesKey() throws {
    let text = "{\"accounts\": [\(Self.validAccount.replacingOccurrences(of: "\"email\": \"ann@example.com\",", with: ""))]}"
    let message = try loadMessage(text)
    #expect(message.contains("accounts[0]"))
    #expect(message.contains("\"email\" is missing"))
  }

  @Test func truncatedFileSaysNotJSON() throws {
    let message = try loadMessage("{\"accounts\": [")
    #expect(message.contains("not valid JSON"))
  }

  @Test func topLevelArraySaysWhere() throws {
    let message = try loadMessage("[]")
    #expect(message.contains("top level"))
  }

  @Test func credentialWrongTypeNamesKey() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kith-credentials-error-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("credentials.json")
    let created = FileManager.default.createFile(
      atPath: url.path, contents: Data("{\"imap:ann@example.com\": 424242}".utf8),
      attributes: [.posixPermissions: 0o600])
    try #require(created)

    let store = CredentialStore(url: url)
    let error = try #require(throws: KithError.self) {
      try store.secret(for: CredentialStore.imapKey("ann@example.com"))
    }
    #expect(error.message.contains(url.path))
    #expect(error.message.contains("imap:ann@example.com"))
    #expect(!error.message.contains("424242"))
  }
}
