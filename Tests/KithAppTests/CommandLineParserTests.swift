import Foundation
import Testing

@testable import KithApp
@testable import KithCore

@Suite struct CommandLineParserTests {
  @Test func noArgumentsOpensBrowser() throws {
    let (command, global) = try CommandLineParser.parse([])
    #expect(command == .browse)
    #expect(global.storePath == nil)
  }

  @Test func globalOptionsAnywhere() throws {
    let (command, global) = try CommandLineParser.parse(["--store", "/tmp/s.db", "sync", "--config", "/tmp/c.json"])
    #expect(command == .sync)
    #expect(global.storePath == "/tmp/s.db")
    #expect(global.configPath == "/tmp/c.json")
  }

  @Test func accountAddReadsEveryOption() throws {
    let (command, _) = try CommandLineParser.parse([
      "account", "add", "--email", "a@b.test", "--login", "ann", "--imap-host", "127.0.0.1",
      "--imap-port", "1993", "--imap-security", "starttls", "--smtp-host", "127.0.0.1",
      "--smtp-port", "1587", "--smtp-security", "tls", "--ca-file", "/tmp/ca.pem",
      "--password-stdin", "--sharing", "public",
    ])
    guard case .accountAdd(let options) = command else {
      Issue.record("expected account add, got \(command)")
      return
    }
    #expect(options.email == "a@b.test")
    #expect(options.login == "ann")
    #expect(options.imapHost == "127.0.0.1")
    #expect(options.imapPort == 1993)
    #expect(options.imapSecurity == .starttls)
    #expect(options.smtpPort == 1587)
    #expect(options.smtpSecurity == .tls)
    #expect(options.caFile == "/tmp/ca.pem")
    #expect(options.readsPasswordFromStandardInput)
    #expect(options.sharing == .public)
  }

  @Test func invalidPortIsRejected() {
    #expect(throws: UsageError("--imap-port value \"99999\" is invalid: expected a port from 1 to 65535.")) {
      try CommandLineParser.parse(["account", "add", "--imap-port", "99999"])
    }
  }

  @Test func invalidSecurityIsRejected() {
    #expect(throws: UsageError("--smtp-security value \"ssl3\" is invalid: expected tls or starttls.")) {
      try CommandLineParser.parse(["account", "add", "--smtp-security", "ssl3"])
    }
  }

  @Test func unknownCommandIsRejected() {
    #expect(throws: UsageError("unknown command \"frobnicate\". Run kith --help to list the commands.")) {
      try CommandLineParser.parse(["frobnicate"])
    }
  }

  @Test func contactsImportBothSpellings() throws {
    let (first, _) = try CommandLineParser.parse(["contacts", "import", "people.vcf"])
    let (second, _) = try CommandLineParser.parse(["import", "contacts", "people.vcf"])
    #expect(first == .contactsImport(path: "people.vcf"))
    #expect(second == .contactsImport(path: "people.vcf"))
  }

  @Test func showFileOrStoredID() throws {
    let (file, _) = try CommandLineParser.parse(["show", "m.eml"])
    let (stored, _) = try CommandLineParser.parse(["show", "--id", "42"])
    #expect(file == .showFile(path: "m.eml"))
    #expect(stored == .showStored(id: 42))
    #expect(throws: UsageError.self) { try CommandLineParser.parse(["show"]) }
    #expect(throws: UsageError.self) { try CommandLineParser.parse(["show", "m.eml", "--id", "3"]) }
  }

  @Test func helpNamesCommandOptions() throws {
    let (command, _) = try CommandLineParser.parse(["account", "add", "--help"])
    guard case .help(let text) = command else {
      Issue.record("expected help, got \(command)")
      return
    }
    #expect(text.contains("--imap-security MODE"))
    #expect(text.contains("--password-stdin"))
  }

  @Test func versionFlag() throws {
    let (command, _) = try CommandLineParser.parse(["--version"])
    #expect(command == .version)
  }

  @Test func missingOptionValue() {
    #expect(throws: UsageError("--store needs a value.")) {
      try CommandLineParser.parse(["sync", "--store"])
    }
  }
}

@Suite struct SettingsTests {
  @Test func xdgPathsFollowEnvironment() {
    let paths = KithPaths.resolve(environment: [
      "HOME": "/home/ann", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "relative/ignored",
    ])
    #expect(paths.configFile.path == "/cfg/kith/config.json")
    #expect(paths.storeFile.path == "/home/ann/.local/share/kith/kith.sqlite")
    #expect(paths.logFile.path == "/home/ann/.local/state/kith/kith.log")
    #expect(paths.credentialsFile.path == "/cfg/kith/credentials.json")
  }

  @Test func overridesReplaceDefaults() {
    let paths = KithPaths.resolve(
      environment: ["HOME": "/h"], configOverride: "/x/c.json", storeOverride: "/y/s.db")
    #expect(paths.configFile.path == "/x/c.json")
    #expect(paths.storeFile.path == "/y/s.db")
    #expect(paths.credentialsFile.path == "/x/credentials.json")
  }

  @Test func accountValidationListsProblems() {
    let account = AccountSettings(
      email: "not-an-address", login: " ", imapHost: "", imapPort: 0, imapSecurity: .tls,
      smtpHost: "smtp.example.test", smtpPort: 587, smtpSecurity: .starttls, caFile: "/missing.pem")
    let problems = account.validationProblems(fileExists: { _ in false })
    #expect(problems.contains("Email address \"not-an-address\" is invalid: expected name@domain."))
    #expect(problems.contains("Login is missing: give a user name or the email address."))
    #expect(problems.contains("IMAP host \"\" is invalid: expected a host name or IP address."))
    #expect(problems.contains("IMAP port 0 is invalid: expected a number from 1 to 65535."))
    #expect(problems.contains("CA file /missing.pem was not found."))
    #expect(problems.count == 5)
  }

  @Test func credentialFileIsPrivate() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kith-cred-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = CredentialStore(url: folder.appendingPathComponent("credentials.json"))
    try store.setSecret("s3cret", for: CredentialStore.imapKey("A@B.test"))
    #expect(try store.secret(for: "imap:a@b.test") == "s3cret")
    let mode = try FileManager.default.attributesOfItem(atPath: store.url.path)[.posixPermissions] as? NSNumber
    #expect(mode?.intValue == 0o600)
    chmod(store.url.path, 0o644)
    #expect(throws: KithError.self) { try store.secret(for: "imap:a@b.test") }
  }
}
