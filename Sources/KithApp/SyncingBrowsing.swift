import Foundation
import KithCore

/// The store as the browser reads it. Marking mail read also starts a sync pass, so that
/// `\Seen` reaches the server within seconds instead of at the next scheduled pass.
final class SyncingBrowsing: MailBrowsing {
  private let store: Store
  private let requestSync: @Sendable () -> Void

  init(store: Store, requestSync: @escaping @Sendable () -> Void) {
    self.store = store
    self.requestSync = requestSync
  }

  func contactSummaries() throws -> [ContactSummary] { try store.contactSummaries() }

  func threadSummaries(for contact: ContactID) throws -> [ThreadSummary] {
    try store.threadSummaries(for: contact)
  }

  func messageDetails(in thread: ThreadID) throws -> [MessageDetail] {
    try store.messageDetails(in: thread)
  }

  func markSeen(_ messages: [MessageRowID]) throws {
    try store.markSeen(messages)
    requestSync()
  }

  func attachmentData(of message: MessageRowID, index: Int) throws -> Data? {
    try store.attachmentData(of: message, index: index)
  }
}
