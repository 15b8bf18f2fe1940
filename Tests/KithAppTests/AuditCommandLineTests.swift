import Foundation
import KithApp
import KithCore
import Testing

@Suite struct AuditCommandLineTests {
  @Test func auditParses() throws {
    #expect(try CommandLineParser.parse(["audit"]).0 == .audit(repair: false))
    #expect(try CommandLineParser.parse(["audit", "--repair"]).0 == .audit(repair: true))
    #expect(throws: UsageError.self) { try CommandLineParser.parse(["audit", "--fix"]) }
  }

  @Test func folderAddParses() throws {
    let (command, _) = try CommandLineParser.parse(["account", "folder", "add", "ann@example.com", "Projects"])
    #expect(command == .accountFolderAdd(email: "ann@example.com", folder: "Projects"))
    #expect(throws: UsageError.self) { try CommandLineParser.parse(["account", "folder", "add", "ann@example.com"]) }
  }

  @Test func accountWithoutExtraFoldersDecodes() throws {
    let json = """
      {"email": "ann@example.com", "login": "ann", "imapHost": "imap.example.com", "imapPort": 993,
       "imapSecurity": "tls", "smtpHost": "smtp.example.com", "smtpPort": 587,
       "smtpSecurity": "starttls", "sharing": "private", "storeSentOnServer": true,
       "smtpUsesIMAPCredentials": true, "isActive": true}
      """
    let account = try JSONDecoder().decode(AccountSettings.self, from: Data(json.utf8))
    #expect(account.extraFolders == [])

    var withFolder = account
    withFolder.extraFolders = ["Projects"]
    let roundTrip = try JSONDecoder().decode(AccountSettings.self, from: JSONEncoder().encode(withFolder))
    #expect(roundTrip.extraFolders == ["Projects"])

    let invalid = json.replacingOccurrences(of: "\"isActive\": true", with: "\"isActive\": true, \"extraFolders\": 7")
    #expect(try JSONDecoder().decode(AccountSettings.self, from: Data(invalid.utf8)).extraFolders == [])
  }

  @Test func auditHelpNamesRepair() throws {
    guard case .help(let text) = try CommandLineParser.parse(["audit", "--help"]).0 else {
      Issue.record("audit --help did not return help")
      return
    }
    #expect(text.contains("--repair"))
  }
}
