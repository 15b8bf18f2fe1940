import Foundation

/// The decision for one folder, made from the stored state and the server's EXAMINE response
/// alone, so that it can be tested without a server.
public struct FolderSyncPlan: Sendable, Equatable {
  /// Whether the stored messages must be dropped because the server's UIDVALIDITY differs.
  public var resetsFolder: Bool
  /// Messages with a UID above this one are fetched.
  public var fetchesAboveUID: UID
  /// Whether the folder is empty or its UIDNEXT shows no UID above the stored ones, so no
  /// fetch is needed.
  public var isUpToDate: Bool

  public init(resetsFolder: Bool, fetchesAboveUID: UID, isUpToDate: Bool) {
    self.resetsFolder = resetsFolder
    self.fetchesAboveUID = fetchesAboveUID
    self.isUpToDate = isUpToDate
  }

  /// Plans a sync of a folder stored as `stored` (nil when never synced) that the server
  /// reports as `server`.
  public static func make(stored: FolderSyncState?, server: IMAPMailboxStatus) -> FolderSyncPlan {
    guard let stored, stored.uidValidity == server.uidValidity else {
      // A changed UIDVALIDITY means every stored UID may now name another message
      // (RFC 3501, section 2.3.1.1), so the folder starts over.
      let isEmpty = server.exists == 0
      return FolderSyncPlan(resetsFolder: stored != nil, fetchesAboveUID: 0, isUpToDate: isEmpty)
    }
    var isUpToDate = server.exists == 0
    if let uidNext = server.uidNext, uidNext <= stored.highestUID &+ 1 {
      isUpToDate = true
    }
    return FolderSyncPlan(
      resetsFolder: false, fetchesAboveUID: stored.highestUID, isUpToDate: isUpToDate)
  }
}

/// Picks the folders to sync from a LIST result.
public enum FolderSelection {
  /// Names tried in this order when no mailbox has the `\Sent` special-use attribute.
  public static let sentNames = ["Sent", "Sent Messages", "Sent Items"]

  /// Returns the Sent mailbox: the one marked `\Sent` (RFC 6154), else the first one named
  /// like `sentNames` (case-insensitive, at any hierarchy level, the shortest full name
  /// first), else nil.
  public static func findSent(in mailboxes: [IMAPMailbox]) -> IMAPMailbox? {
    let selectable = mailboxes.filter { !$0.hasAttribute("\\Noselect") && !$0.hasAttribute("\\NonExistent") }
    if let marked = selectable.first(where: { $0.hasAttribute("\\Sent") }) { return marked }
    for name in sentNames {
      let match =
        selectable
        .filter { leafName(of: $0).caseInsensitiveCompare(name) == .orderedSame }
        .min { $0.name.count < $1.name.count }
      if let match { return match }
    }
    return nil
  }

  /// Returns the Inbox mailbox name as the server spells it; INBOX is case-insensitive
  /// (RFC 3501, section 5.1), and "INBOX" is used when LIST did not return it.
  public static func findInbox(in mailboxes: [IMAPMailbox]) -> String {
    mailboxes.first { $0.name.caseInsensitiveCompare("INBOX") == .orderedSame }?.name ?? "INBOX"
  }

  private static func leafName(of mailbox: IMAPMailbox) -> String {
    guard let delimiter = mailbox.delimiter,
      let leaf = mailbox.name.split(separator: delimiter).last
    else { return mailbox.name }
    return String(leaf)
  }
}
