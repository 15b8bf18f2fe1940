import KithCore

/// A command-line mistake, reported as "kith: MESSAGE" with exit status 64 (EX_USAGE).
public struct UsageError: Error, Equatable, CustomStringConvertible {
  public let message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { message }
}

/// Turns `kith`'s arguments into a command and its global options.
public struct CommandLineParser {
  private var arguments: [String]
  private var index = 0
  private var global = GlobalOptions()

  public init(arguments: [String]) {
    self.arguments = arguments
  }

  /// Parses the arguments (without the program name).
  ///
  /// - Throws: `UsageError` naming the unknown or incomplete argument.
  public static func parse(_ arguments: [String]) throws -> (ParsedCommand, GlobalOptions) {
    var parser = CommandLineParser(arguments: arguments)
    let command = try parser.parseCommand()
    return (command, parser.global)
  }

  private mutating func parseCommand() throws -> ParsedCommand {
    if arguments.contains("--help") || arguments.contains("-h") {
      return .help(Usage.text(for: leadingCommandWords()))
    }
    var words: [String] = []
    var rest: [String] = []
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      if argument == "--version" { return .version }
      if argument.hasPrefix("-") || words.count >= 3 || !Usage.isCommandWord(argument, after: words) {
        rest.append(argument)
        rest.append(contentsOf: remaining())
        break
      }
      words.append(argument)
    }
    return try makeCommand(words: words, rest: rest)
  }

  /// Returns the command words before the first other argument, skipping global options.
  private func leadingCommandWords() -> [String] {
    var words: [String] = []
    var position = 0
    while position < arguments.count {
      let argument = arguments[position]
      if argument == "--store" || argument == "--config" {
        position += 2
        continue
      }
      if argument.hasPrefix("-") || !Usage.isCommandWord(argument, after: words) { break }
      words.append(argument)
      position += 1
    }
    return words
  }

  private mutating func makeCommand(words: [String], rest: [String]) throws -> ParsedCommand {
    var sub = CommandLineParser(arguments: rest)
    sub.global = global
    defer { global = sub.global }
    switch words {
    case [] where rest.first.map({ !$0.hasPrefix("-") }) ?? false:
      throw UsageError("unknown command \"\(rest[0])\". Run kith --help to list the commands.")
    case []:
      try sub.expectEnd(command: "kith")
      return .browse
    case ["sync"]:
      try sub.expectEnd(command: "kith sync")
      return .sync
    case ["account", "add"]:
      return .accountAdd(try sub.parseAccountAdd())
    case ["account", "list"]:
      try sub.expectEnd(command: "kith account list")
      return .accountList
    case ["account", "folder", "add"]:
      return try sub.parseFolderAdd()
    case ["audit"]:
      return try sub.parseAudit()
    case ["contacts", "import"], ["import", "contacts"]:
      return .contactsImport(path: try sub.parseOnePath(command: "kith contacts import", placeholder: "FILE"))
    case ["show"]:
      return try sub.parseShow()
    case ["help"]:
      return .help(Usage.text(for: []))
    default:
      let typed = (words + rest.prefix(1)).joined(separator: " ")
      throw UsageError("unknown command \"\(typed)\". Run kith --help to list the commands.")
    }
  }

  private mutating func parseAccountAdd() throws -> AccountAddOptions {
    var options = AccountAddOptions()
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      switch argument {
      case "--email": options.email = try value(for: argument)
      case "--login": options.login = try value(for: argument)
      case "--imap-host": options.imapHost = try value(for: argument)
      case "--imap-port": options.imapPort = try port(for: argument)
      case "--imap-security": options.imapSecurity = try security(for: argument)
      case "--smtp-host": options.smtpHost = try value(for: argument)
      case "--smtp-port": options.smtpPort = try port(for: argument)
      case "--smtp-security": options.smtpSecurity = try security(for: argument)
      case "--ca-file": options.caFile = try value(for: argument)
      case "--password-stdin": options.readsPasswordFromStandardInput = true
      case "--sharing":
        let text = try value(for: argument)
        guard let sharing = SharingPermission(rawValue: text) else {
          throw UsageError("--sharing value \"\(text)\" is invalid: expected private or public.")
        }
        options.sharing = sharing
      default:
        throw UsageError("unknown option \(argument) for kith account add. Run kith account add --help.")
      }
    }
    return options
  }

  private mutating func parseFolderAdd() throws -> ParsedCommand {
    var values: [String] = []
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      if argument.hasPrefix("-") {
        throw UsageError("unknown option \(argument) for kith account folder add. Run kith account folder add --help.")
      }
      values.append(argument)
    }
    guard values.count == 2 else {
      throw UsageError("kith account folder add needs EMAIL and FOLDER, got \(values.count) arguments.")
    }
    guard !values[1].isEmpty else { throw UsageError("The FOLDER name is empty.") }
    return .accountFolderAdd(email: values[0], folder: values[1])
  }

  private mutating func parseAudit() throws -> ParsedCommand {
    var repair = false
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      guard argument == "--repair" else {
        throw UsageError("unexpected argument \"\(argument)\" for kith audit. Run kith audit --help.")
      }
      repair = true
    }
    return .audit(repair: repair)
  }

  private mutating func parseShow() throws -> ParsedCommand {
    var path: String?
    var id: Int64?
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      if argument == "--id" {
        let text = try value(for: argument)
        guard let number = Int64(text), number > 0 else {
          throw UsageError("--id value \"\(text)\" is invalid: expected a message number.")
        }
        id = number
      } else if argument.hasPrefix("-") && argument != "-" {
        throw UsageError("unknown option \(argument) for kith show. Run kith show --help.")
      } else if path == nil {
        path = argument
      } else {
        throw UsageError("kith show takes one FILE, but \"\(argument)\" was given too.")
      }
    }
    switch (path, id) {
    case (let path?, nil): return .showFile(path: path)
    case (nil, let id?): return .showStored(id: id)
    case (nil, nil): throw UsageError("kith show needs a FILE (or - for standard input) or --id ID.")
    default: throw UsageError("kith show takes either a FILE or --id ID, not both.")
    }
  }

  private mutating func parseOnePath(command: String, placeholder: String) throws -> String {
    var path: String?
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      if argument.hasPrefix("-") {
        throw UsageError("unknown option \(argument) for \(command). Run \(command) --help.")
      }
      guard path == nil else {
        throw UsageError("\(command) takes one \(placeholder), but \"\(argument)\" was given too.")
      }
      path = argument
    }
    guard let path else { throw UsageError("\(command) needs a \(placeholder).") }
    return path
  }

  private mutating func expectEnd(command: String) throws {
    while let argument = next() {
      if try parseGlobal(argument) { continue }
      throw UsageError("unexpected argument \"\(argument)\" for \(command). Run \(command) --help.")
    }
  }

  /// Consumes a global option; returns false when `argument` is not one.
  private mutating func parseGlobal(_ argument: String) throws -> Bool {
    switch argument {
    case "--store": global.storePath = try value(for: argument)
    case "--config": global.configPath = try value(for: argument)
    case "--verbose", "-v": global.isVerbose = true
    default: return false
    }
    return true
  }

  private mutating func value(for option: String) throws -> String {
    guard let value = next(), !value.hasPrefix("--") else {
      throw UsageError("\(option) needs a value.")
    }
    return value
  }

  private mutating func port(for option: String) throws -> Int {
    let text = try value(for: option)
    guard let port = Int(text), (1...65535).contains(port) else {
      throw UsageError("\(option) value \"\(text)\" is invalid: expected a port from 1 to 65535.")
    }
    return port
  }

  private mutating func security(for option: String) throws -> ConnectionSecurity {
    let text = try value(for: option)
    guard let security = ConnectionSecurity(rawValue: text.lowercased()) else {
      throw UsageError("\(option) value \"\(text)\" is invalid: expected tls or starttls.")
    }
    return security
  }

  private mutating func next() -> String? {
    guard index < arguments.count else { return nil }
    defer { index += 1 }
    return arguments[index]
  }

  private mutating func remaining() -> [String] {
    defer { index = arguments.count }
    return Array(arguments[index...])
  }
}
