import Foundation
import KithCore
import KithTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

// These tests start real Dovecot and SMTP servers through scripts/mailserver, so they need the
// packages from scripts/bootstrap. Each test starts its own server on free ports.

@Test func mailServerEnvironmentValues() throws {
  let server = try MailServer.start()
  defer { server.stop() }

  #expect(server.host == "127.0.0.1")
  #expect(server.user == "kith")
  #expect(server.password == "kith-test-password")
  #expect(server.email == "kith@example.test")
  #expect(server.rejectedRecipientDomain == "reject.test")
  let ports = [server.imapsPort, server.imapStartTLSPort, server.smtpPort, server.smtpsPort]
  #expect(Set(ports).count == 4)
  for port in ports {
    #expect(port > 0)
    #expect(port < 65536)
  }

  let fileManager = FileManager.default
  #expect(fileManager.fileExists(atPath: server.caFile.path))
  #expect(fileManager.fileExists(atPath: server.otherCAFile.path))
  #expect(fileManager.fileExists(atPath: server.dovecotConfig.path))
  #expect(fileManager.fileExists(atPath: server.maildir.appendingPathComponent("new").path))
  #expect(server.caFile != server.otherCAFile)
  #expect(server.maildir.path.hasPrefix(server.stateDirectory.path))
  #expect(server.dovecotConfig.path.hasPrefix(server.stateDirectory.path))
  #expect(server.environment["KITH_IMAPS_PORT"] == String(server.imapsPort))
  #expect(server.environment["KITH_SMTP_PORT"] == String(server.smtpPort))
  #expect(server.environment["KITH_MAIL_HOST"] == "127.0.0.1")
  #expect(server.processIDs.count == 2)
}

@Test func mailServerPortsAcceptConnections() throws {
  let server = try MailServer.start()
  defer { server.stop() }

  for port in [server.imapsPort, server.imapStartTLSPort, server.smtpPort, server.smtpsPort] {
    #expect(canConnect(port: port), "port \(port) refused the connection")
  }
  let imapGreeting = try readGreeting(port: server.imapStartTLSPort)
  #expect(imapGreeting.hasPrefix("* OK"), "IMAP greeting: \(imapGreeting)")
  #expect(imapGreeting.contains("STARTTLS"), "IMAP greeting: \(imapGreeting)")
  let smtpGreeting = try readGreeting(port: server.smtpPort)
  #expect(smtpGreeting.hasPrefix("220 "), "SMTP greeting: \(smtpGreeting)")
}

@Test func seededMaildirHoldsEveryCorpusFile() throws {
  let server = try MailServer.start()
  defer { server.stop() }

  let corpus = try Fixtures.corpusFileNames()
  let stored = try maildirFiles(server.maildir)
  #expect(corpus.count > 0)
  #expect(stored.count == corpus.count)

  // File names encode the seeding order, so sorting them restores the corpus order.
  let storedSorted = stored.sorted { $0.lastPathComponent < $1.lastPathComponent }
  for (name, file) in zip(corpus, storedSorted).prefix(5) {
    #expect(try Data(contentsOf: file) == Fixtures.corpusMessage(name), "\(name) changed")
  }
  for folder in [".Sent", ".Drafts", ".Trash"] {
    let path = server.maildir.appendingPathComponent(folder).appendingPathComponent("cur").path
    #expect(FileManager.default.fileExists(atPath: path), "\(folder) is missing")
  }
}

@Test func stopEndsEveryServerProcess() throws {
  let server = try MailServer.start()
  let processIDs = server.processIDs
  #expect(processIDs.count == 2)
  #expect(processIDs.allSatisfy(isProcessRunning))

  // Dovecot's children (auth, imap-login, imap, ...) share its session ID, its master's PID.
  #expect(processIDs.allSatisfy { !processesInSession($0).isEmpty })

  server.stop()
  for processID in processIDs {
    #expect(!isProcessRunning(processID), "process \(processID) still runs after stop()")
    #expect(processesInSession(processID).isEmpty, "session \(processID) has processes left")
  }
  #expect(!canConnect(port: server.imapsPort))
  server.stop()  // a second stop does nothing
}

@Test func imapsListsFoldersWithServerCA() throws {
  let server = try MailServer.start()
  defer { server.stop() }

  let listing = runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
    "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(listing.status == 0, "curl: \(listing.output)")
  #expect(listing.output.contains("INBOX"))
  #expect(listing.output.contains("\\Sent"))
  #expect(listing.output.contains("Drafts"))
  #expect(listing.output.contains("Trash"))

  let wrongCA = runCurl([
    "--cacert", server.otherCAFile.path, "-u", "\(server.user):\(server.password)",
    "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(wrongCA.status == 60, "curl with the other CA: \(wrongCA.output)")

  let wrongPassword = runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):wrong",
    "imap://127.0.0.1:\(server.imapStartTLSPort)/", "--ssl-reqd",
  ])
  #expect(wrongPassword.status == 67, "curl with a wrong password: \(wrongPassword.output)")
}

@Test func smtpSendArrivesInInbox() throws {
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  let server = try MailServer.start(messages: messages)
  defer { server.stop() }

  let message = Data(
    "From: a@example.test\r\nTo: \(server.email)\r\nSubject: kit test\r\n\r\nbody\r\n.dot\r\n"
      .utf8)
  let file = server.stateDirectory.appendingPathComponent("outgoing.eml")
  try message.write(to: file)

  for url in [
    "smtp://127.0.0.1:\(server.smtpPort)", "smtps://127.0.0.1:\(server.smtpsPort)",
  ] {
    let sent = runCurl([
      "--ssl-reqd", "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
      "--mail-from", "a@example.test", "--mail-rcpt", server.email, "-T", file.path, url,
    ])
    #expect(sent.status == 0, "curl \(url): \(sent.output)")
  }

  let delivered = try maildirFiles(server.maildir)
  #expect(delivered.count == 2)
  for file in delivered {
    #expect(try Data(contentsOf: file) == message)
  }

  let rejected = runCurl([
    "--ssl-reqd", "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
    "--mail-from", "a@example.test", "--mail-rcpt", "x@\(server.rejectedRecipientDomain)",
    "-T", file.path, "smtp://127.0.0.1:\(server.smtpPort)",
  ])
  #expect(rejected.status == 55, "curl to a rejected recipient: \(rejected.output)")

  let wrongPassword = runCurl([
    "--ssl-reqd", "--cacert", server.caFile.path, "-u", "\(server.user):wrong",
    "--mail-from", "a@example.test", "--mail-rcpt", server.email,
    "-T", file.path, "smtp://127.0.0.1:\(server.smtpPort)",
  ])
  #expect(wrongPassword.status == 67, "curl with a wrong password: \(wrongPassword.output)")
}

@Test func withoutCapabilitiesHidesThem() throws {
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  let server = try MailServer.start(
    messages: messages, withoutCapabilities: ["CONDSTORE", "QRESYNC", "IDLE"])
  defer { server.stop() }

  let result = runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
    "-X", "CAPABILITY", "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(result.status == 0, "curl: \(result.output)")
  let words = Set(result.output.split(whereSeparator: \.isWhitespace).map(String.init))
  #expect(words.contains("IMAP4rev1"))
  #expect(words.contains("UIDPLUS"))
  #expect(words.contains("SPECIAL-USE"))
  #expect(!words.contains("CONDSTORE"))
  #expect(!words.contains("QRESYNC"))
  #expect(!words.contains("IDLE"))
}

@Test func deliverAndSentSeedReachIMAP() throws {
  let corpus = try Fixtures.corpusFileNames()
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  let sentMessages = try folder(withCorpusFiles: Array(corpus.prefix(2)))
  defer { removeFolder(sentMessages) }
  let server = try MailServer.start(messages: messages, sent: sentMessages)
  defer { server.stop() }

  let files = corpus.suffix(3).map { Fixtures.corpusDirectory.appendingPathComponent($0) }
  try server.deliver(files)

  let inbox = status(server, mailbox: "INBOX")
  #expect(inbox.contains("MESSAGES 3"), "STATUS INBOX: \(inbox)")
  let sent = status(server, mailbox: "Sent")
  #expect(sent.contains("MESSAGES 2"), "STATUS Sent: \(sent)")
  #expect(sent.contains("UNSEEN 0"), "STATUS Sent: \(sent)")

  // UIDs follow the order given to deliver.
  for (index, file) in files.enumerated() {
    let fetched = runCurl([
      "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
      "imaps://127.0.0.1:\(server.imapsPort)/INBOX;UID=\(index + 1);SECTION=HEADER.FIELDS%20(SUBJECT)",
    ])
    #expect(fetched.status == 0, "curl: \(fetched.output)")
    // Only the first line, because a folded Subject ends its lines with CRLF on the wire.
    let subject = fetched.output.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    let original = String(decoding: try Data(contentsOf: file), as: UTF8.self)
    #expect(subject.hasPrefix("Subject:"), "UID \(index + 1): \(fetched.output)")
    #expect(original.contains(subject), "UID \(index + 1) is not \(file.lastPathComponent)")
  }
}

@Test func setPasswordChangesLogin() throws {
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  let server = try MailServer.start(messages: messages)
  defer { server.stop() }

  try server.setPassword("new-secret")
  #expect(server.password == "new-secret")
  let login = runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):new-secret",
    "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(login.status == 0, "curl with the new password: \(login.output)")
  let oldLogin = runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):kith-test-password",
    "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(oldLogin.status == 67, "curl with the old password: \(oldLogin.output)")
}

@Test func customUserAndQuotedPassword() throws {
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  let password = "it's a \"pass\" $word"
  let server = try MailServer.start(messages: messages, user: "ann", password: password)
  defer { server.stop() }

  #expect(server.user == "ann")
  #expect(server.email == "ann@example.test")
  #expect(server.password == password)
  let login = runCurl([
    "--cacert", server.caFile.path, "-u", "ann:\(password)",
    "imaps://127.0.0.1:\(server.imapsPort)/",
  ])
  #expect(login.status == 0, "curl: \(login.output)")
}

@Test func invalidPasswordFailsStart() throws {
  let messages = try emptyFolder()
  defer { removeFolder(messages) }
  #expect(throws: KithError.self) {
    _ = try MailServer.start(messages: messages, password: "a:b")
  }
}

@Test func environmentParserRemovesShellQuotes() {
  let text = "A=plain\nB='two words'\nC='it'\"'\"'s'\nnot a pair\nD=\n"
  let values = MailServerEnvironment.parse(text)
  #expect(values["A"] == "plain")
  #expect(values["B"] == "two words")
  #expect(values["C"] == "it's")
  #expect(values["D"] == "")
  #expect(values.count == 4)
}

// MARK: - Helpers

private func runCurl(_ arguments: [String]) -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
  process.arguments = ["--silent", "--show-error", "--max-time", "20"] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  process.standardInput = FileHandle.nullDevice
  do {
    try process.run()
  } catch {
    return (-1, "could not run /usr/bin/curl: \(error)")
  }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

private func status(_ server: MailServer, mailbox: String) -> String {
  runCurl([
    "--cacert", server.caFile.path, "-u", "\(server.user):\(server.password)",
    "-X", "STATUS \(mailbox) (MESSAGES UNSEEN)", "imaps://127.0.0.1:\(server.imapsPort)/",
  ]).output
}

private func maildirFiles(_ maildir: URL) throws -> [URL] {
  try ["new", "cur"].flatMap { sub in
    let folder = maildir.appendingPathComponent(sub)
    return try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .map { folder.appendingPathComponent($0) }
  }
}

private func removeFolder(_ folder: URL) {
  try? FileManager.default.removeItem(at: folder)
}

private func emptyFolder() throws -> URL {
  try folder(withCorpusFiles: [])
}

private func folder(withCorpusFiles names: [String]) throws -> URL {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("kith-messages-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  for name in names {
    try FileManager.default.copyItem(
      at: Fixtures.corpusDirectory.appendingPathComponent(name),
      to: folder.appendingPathComponent(name))
  }
  return folder
}

/// Whether a process with this PID exists and is not a zombie.
private func isProcessRunning(_ processID: Int32) -> Bool {
  guard let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
    let end = stat.lastIndex(of: ")")
  else { return false }
  let state = stat[stat.index(after: end)...].split(separator: " ").first
  return state != "Z" && state != "X"
}

/// Returns the live processes whose session ID is `sessionID`, from /proc.
private func processesInSession(_ sessionID: Int32) -> [Int32] {
  let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
  return entries.compactMap { entry -> Int32? in
    guard let processID = Int32(entry),
      let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
      let end = stat.lastIndex(of: ")")
    else { return nil }
    // After the command name come state, ppid, pgrp and session (proc(5)).
    let fields = stat[stat.index(after: end)...].split(separator: " ")
    guard fields.count > 3, fields[0] != "Z", fields[0] != "X", Int32(fields[3]) == sessionID
    else { return nil }
    return processID
  }
}

private func connectedSocket(port: Int) -> Int32? {
  let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard descriptor >= 0 else { return nil }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let result = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard result == 0 else {
    close(descriptor)
    return nil
  }
  return descriptor
}

private func canConnect(port: Int) -> Bool {
  guard let descriptor = connectedSocket(port: port) else { return false }
  close(descriptor)
  return true
}

/// Reads the first line a plain-text server sends after the connection opens.
private func readGreeting(port: Int) throws -> String {
  guard let descriptor = connectedSocket(port: port) else {
    throw GreetingError.connectFailed(port)
  }
  defer { close(descriptor) }
  var timeout = timeval(tv_sec: 10, tv_usec: 0)
  setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

  var received = [UInt8]()
  var buffer = [UInt8](repeating: 0, count: 1024)
  while !received.contains(UInt8(ascii: "\n")) {
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0 else { break }
    received += buffer[0..<count]
  }
  return String(decoding: received, as: UTF8.self)
}

private enum GreetingError: Error {
  case connectFailed(Int)
}
