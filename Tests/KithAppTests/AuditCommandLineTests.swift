import KithApp
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

  @Test func auditHelpNamesRepair() throws {
    guard case .help(let text) = try CommandLineParser.parse(["audit", "--help"]).0 else {
      Issue.record("audit --help did not return help")
      return
    }
    #expect(text.contains("--repair"))
  }
}
