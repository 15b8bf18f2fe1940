import Foundation
import KithCore

/// The paths, config and store that commands share; the store opens on first use.
final class CommandContext {
  let paths: KithPaths
  private var openedStore: Store?

  init(global: GlobalOptions) {
    paths = KithPaths.resolve(configOverride: global.configPath, storeOverride: global.storePath)
    if global.isVerbose {
      LogSink.shared.useStandardError(level: .debug)
    }
    LogSink.shared.openFile(at: paths.logFile.path, level: global.isVerbose ? .debug : .info)
  }

  var credentials: CredentialStore { CredentialStore(url: paths.credentialsFile) }

  func loadConfig() throws -> KithConfig {
    try KithConfig.load(from: paths.configFile)
  }

  /// Opens the store, creating its folder and file on first use.
  func store() throws -> Store {
    if let openedStore { return openedStore }
    let folder = paths.storeFile.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw KithError(.store, "Creating the store folder \(folder.path) failed.", cause: "\(error)")
    }
    let store = try Store(path: paths.storeFile.path)
    openedStore = store
    return store
  }

  func execute(_ command: ParsedCommand) async throws -> Int32 {
    switch command {
    case .browse: return try await browse()
    case .sync: return try await sync()
    case .accountAdd(let options): return try addAccount(options)
    case .accountList: return try listAccounts()
    case .accountFolderAdd(let email, let folder): return try addFolder(email: email, folder: folder)
    case .audit(let repair): return try audit(repair: repair)
    case .contactsImport(let path): return try importContacts(path: path)
    case .showFile(let path): return try showFile(path: path)
    case .showStored(let id): return try showStored(id: id)
    case .help, .version: return 0
    }
  }
}
