import Foundation

/// The part a folder plays for the account.
public enum FolderRole: String, Sendable {
  case inbox
  case sent
  /// A folder the user added.
  case other
}

/// Tuning of one account's sync.
public struct SyncConfiguration: Sendable {
  /// The maximum count of messages per `UID FETCH` command.
  public var batchMessageLimit: Int
  /// The maximum total RFC822.SIZE per `UID FETCH` command, in bytes; a larger single message
  /// gets a batch of its own.
  public var batchByteLimit: Int
  /// The maximum count of `UID FETCH` commands sent before their completion arrives.
  public var maximumCommandsInFlight: Int
  /// Folders to sync after Inbox and Sent. An ASCII name is used as the server's name, and a
  /// name with other characters is encoded to modified UTF-7 first.
  public var extraFolders: [String]

  public init(
    batchMessageLimit: Int = 500, batchByteLimit: Int = 4 * 1024 * 1024,
    maximumCommandsInFlight: Int = 3, extraFolders: [String] = []
  ) {
    self.batchMessageLimit = batchMessageLimit
    self.batchByteLimit = batchByteLimit
    self.maximumCommandsInFlight = maximumCommandsInFlight
    self.extraFolders = extraFolders
  }
}

/// Counters of one folder's fetch; totals are known after the folder's UID list is read.
public struct SyncProgress: Sendable, Equatable {
  public var folder: String
  public var messagesDone: Int
  public var messagesTotal: Int
  /// Bytes of stored messages, counted by RFC822.SIZE.
  public var bytesDone: Int
  public var bytesTotal: Int

  public init(folder: String, messagesDone: Int, messagesTotal: Int, bytesDone: Int, bytesTotal: Int) {
    self.folder = folder
    self.messagesDone = messagesDone
    self.messagesTotal = messagesTotal
    self.bytesDone = bytesDone
    self.bytesTotal = bytesTotal
  }
}

/// The outcome of one folder in one sync pass.
public struct FolderSyncResult: Sendable {
  public var folder: String
  public var role: FolderRole
  /// The count of messages fetched and stored in this pass.
  public var fetchedCount: Int
  /// Whether the folder's stored messages were dropped because UIDVALIDITY changed.
  public var wasReset: Bool
  /// The failure that stopped this folder, while the other folders went on.
  public var error: KithError?
  /// The count of stored messages removed because the server expunged them.
  public var expungedCount = 0
  /// The count of stored messages whose flags changed to the server's.
  public var flagUpdateCount = 0
  /// The count of pending flag changes that the server accepted in this pass.
  public var sentFlagChangeCount = 0
  /// Whether the server's changes were read with QRESYNC (RFC 7162) instead of a full
  /// comparison of UIDs and flags.
  public var usedQResync = false

  public init(folder: String, role: FolderRole, fetchedCount: Int = 0, wasReset: Bool = false, error: KithError? = nil) {
    self.folder = folder
    self.role = role
    self.fetchedCount = fetchedCount
    self.wasReset = wasReset
    self.error = error
  }
}

/// The result of one sync pass of an account.
public struct SyncSummary: Sendable {
  public var folders: [FolderSyncResult]

  public init(folders: [FolderSyncResult]) {
    self.folders = folders
  }

  /// The count of messages fetched in all folders.
  public var fetchedCount: Int { folders.reduce(0) { $0 + $1.fetchedCount } }

  /// Returns the result for the folder named `folder`, or nil when it was not synced.
  public func result(for folder: String) -> FolderSyncResult? {
    folders.first { $0.folder == folder }
  }
}

/// A step of an account's sync, for progress display and logs.
public enum SyncEvent: Sendable {
  case connected(server: String)
  case folderStarted(folder: String, role: FolderRole)
  case progress(SyncProgress)
  case folderFinished(FolderSyncResult)
  /// A folder failed with a NO or BAD; the sync goes on with the next folder.
  case folderFailed(folder: String, error: KithError)
  case finished(SyncSummary)
  /// The whole pass failed (login, TLS, network or store); nothing after this event.
  case failed(KithError)
}
