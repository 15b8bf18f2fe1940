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

/// The stored sync state of one folder.
public struct FolderSyncState: Hashable, Sendable {
  public var uidValidity: UInt32
  /// The highest UID stored so far; the next fetch requests the UIDs above it. 0 when nothing
  /// was stored under `uidValidity`.
  public var highestUID: UID
  /// The lowest UID of the complete range: every message the server had with a UID from
  /// `lowestUID` to `highestUID` is stored. 1 when the folder is complete from its start.
  public var lowestUID: UID
  /// The HIGHESTMODSEQ (RFC 7162) of the last pass that reconciled flags and expunges, or 0
  /// when unknown.
  public var highestModSeq: UInt64

  public init(uidValidity: UInt32, highestUID: UID, lowestUID: UID = 1, highestModSeq: UInt64 = 0) {
    self.uidValidity = uidValidity
    self.highestUID = highestUID
    self.lowestUID = lowestUID
    self.highestModSeq = highestModSeq
  }

  /// Reports whether any message was stored under `uidValidity`.
  public var hasStoredRange: Bool { highestUID > 0 }
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
  /// Gives back the space of deleted messages' bodies, if there is any to give back; runs
  /// after each pass.
  func compactBodyFilesIfNeeded() throws
  /// Gives back the space of a WAL file that a large pass grew; runs after each pass.
  @discardableResult
  func shrinkWALIfLarge() throws -> Bool
}

extension SyncStore {
  public func compactBodyFilesIfNeeded() throws {}
  @discardableResult
  public func shrinkWALIfLarge() throws -> Bool { false }
}

/// The store operations of an incremental resync: ranges fetched newest first, server flag
/// changes, expunges, HIGHESTMODSEQ and the flag changes made in Kith.
///
/// `AccountSyncer` uses them when its store conforms. With a plain `SyncStore` it only
/// fetches new messages in ascending UID order.
public protocol ResyncStore: SyncStore {
  /// Stores a batch like `storeFetched(account:folder:uidValidity:messages:)` and, in the
  /// same transaction, extends the folder's complete UID range by `completing`.
  ///
  /// `completing` covers every UID the batch requested, including UIDs the server no longer
  /// had. It must touch or overlap the stored range, or the range must be empty.
  func storeFetched(
    account: AccountID, folder: String, uidValidity: UInt32, messages: [FetchedMessage],
    completing: ClosedRange<UID>
  ) throws
  /// Returns the UIDs stored for `folder` under its current UIDVALIDITY, ascending.
  func storedUIDs(account: AccountID, folder: String) throws -> [UID]
  /// Deletes the stored messages with `uids` (expunged on the server) and returns how many
  /// were stored.
  @discardableResult
  func removeMessages(account: AccountID, folder: String, uids: [UID]) throws -> Int
  /// Replaces the flags of stored messages with the server's, keyed by UID, in one
  /// transaction. A flag with a pending local change keeps its local state. Returns how many
  /// messages changed.
  @discardableResult
  func applyServerFlags(account: AccountID, folder: String, flags: [UID: [String]]) throws -> Int
  /// Records the folder's HIGHESTMODSEQ after a pass reconciled it.
  func setHighestModSeq(_ modSeq: UInt64, account: AccountID, folder: String) throws
  /// Returns the flag changes of `account` that the server has not confirmed yet.
  func pendingFlagChanges(account: AccountID) throws -> [PendingFlagChange]
  /// Forgets a pending change after the server accepted it, unless it changed since.
  func clearPendingFlagChange(_ change: PendingFlagChange) throws
}
