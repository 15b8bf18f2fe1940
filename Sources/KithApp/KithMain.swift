import Foundation
import KithCore
import KithUI

/// The `kith` program: parses the arguments, runs one command and returns the exit status.
public enum KithMain {
  /// The version printed by `kith --version`.
  public static let version = "0.1.0"

  /// Runs the command in `arguments` (without the program name).
  ///
  /// - Returns: 0 on success, 1 when the command failed, 64 for a usage mistake.
  public static func run(_ arguments: [String]) async -> Int32 {
    // Progress lines must reach a pipe or file as they happen, also when kith is killed.
    setvbuf(stdout, nil, _IOLBF, 0)
    let command: ParsedCommand
    let global: GlobalOptions
    do {
      (command, global) = try CommandLineParser.parse(arguments)
    } catch let error as UsageError {
      printError("kith: \(error.message)")
      return 64
    } catch {
      printError("kith: \(error)")
      return 64
    }

    switch command {
    case .help(let text):
      print(text)
      return 0
    case .version:
      print("kith \(version) (\(LibraryVersions.summary), \(cursesVersion))")
      return 0
    default:
      break
    }

    let context = CommandContext(global: global)
    let logger = Logger(label: "kith")
    logger.info("command started", metadata: ["command": command.logName])
    do {
      let status = try await context.execute(command)
      logger.info("command finished", metadata: ["command": command.logName, "status": "\(status)"])
      return status
    } catch let error as KithError {
      logger.error("command failed", metadata: ["command": command.logName, "error": error.description])
      printError("kith: \(error.message)")
      return 1
    } catch {
      logger.error("command failed", metadata: ["command": command.logName, "error": "\(error)"])
      printError("kith: \(error)")
      return 1
    }
  }

  static func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
  }
}

extension ParsedCommand {
  /// The command's name for log lines; never contains a value the user typed.
  var logName: String {
    switch self {
    case .browse: return "browse"
    case .sync: return "sync"
    case .accountAdd: return "account add"
    case .accountList: return "account list"
    case .accountFolderAdd: return "account folder add"
    case .audit: return "audit"
    case .contactsImport: return "contacts import"
    case .showFile, .showStored: return "show"
    case .help: return "help"
    case .version: return "version"
    }
  }
}
