import Foundation
import KithCore
import Testing

@Suite struct LivePauseTests {
  static let accountJSON = """
    {"email": "ann@example.test", "login": "ann", "imapHost": "127.0.0.1", "imapPort": 993,
     "imapSecurity": "tls", "smtpHost": "127.0.0.1", "smtpPort": 587, "smtpSecurity": "starttls",
     "sharing": "private", "storeSentOnServer": true, "smtpUsesIMAPCredentials": true,
     "isActive": true
    """

  @Test func missingPauseReasonDecodesAsNil() throws {
    let data = Data((Self.accountJSON + "}").utf8)
    let account = try JSONDecoder().decode(AccountSettings.self, from: data)
    #expect(account.pauseReason == nil)
  }

  @Test func pauseReasonSurvivesRoundTrip() throws {
    let data = Data((Self.accountJSON + #", "pauseReason": "needs reauthorization: password rejected"}"#).utf8)
    let account = try JSONDecoder().decode(AccountSettings.self, from: data)
    #expect(account.pauseReason == "needs reauthorization: password rejected")
    let again = try JSONDecoder().decode(AccountSettings.self, from: JSONEncoder().encode(account))
    #expect(again == account)
  }
}
