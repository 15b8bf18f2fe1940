import Foundation

/// One message as fetched from an IMAP folder, already parsed.
public struct FetchedMessage: Sendable {
  public var uid: UID
  /// IMAP flags as the server spelled them, such as `\Seen`.
  public var flags: [String]
  public var internalDate: Date?
  /// The raw RFC 5322 bytes exactly as the server sent them.
  public var raw: Data
  public var parsed: ParsedMessage

  public init(uid: UID, flags: [String], internalDate: Date?, raw: Data, parsed: ParsedMessage) {
    self.uid = uid
    self.flags = flags
    self.internalDate = internalDate
    self.raw = raw
    self.parsed = parsed
  }
}

/// What the store remembers about one synced folder.
public struct FolderSyncState: Hashable, Sendable {
  public var uidValidity: UInt32
  /// The highest UID stored so far; the next fetch asks for UIDs above it.
  public var highestUID: UID

  public init(uidValidity: UInt32, highestUID: UID) {
    self.uidValidity = uidValidity
    self.highestUID = highestUID
  }
}

/// The writes and reads the sync engine needs from the store.
public protocol SyncStore: AnyObject {
  /// Returns the saved state of `folder`, or nil when it was never synced.
  func folderState(account: AccountID, folder: String) throws -> FolderSyncState?
  /// Stores a batch of fetched messages in one transaction and advances the folder's state.
  ///
  /// A message already stored under the same account, folder, UIDVALIDITY and UID is skipped,
  /// so replaying a batch after an interruption stores nothing twice.
  func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage]
  ) throws
  /// Forgets every message of `folder` stored under an older UIDVALIDITY.
  func resetFolder(account: AccountID, folder: String, uidValidity: UInt32) throws
}
