import Foundation

extension Store {
  /// Returns the thread a new message of `account` belongs to, creating or merging threads.
  ///
  /// A thread is a connected set of Message-IDs: the message's own id and every id in its
  /// References and In-Reply-To, whether stored or not. The message joins the thread of any
  /// of those ids. When they belong to several threads, because a late message connects
  /// two, the oldest thread absorbs the others. The ids are then recorded for the thread, so a later
  /// parent or child finds it. This gives the same grouping for any arrival order, without
  /// rethreading stored mail.
  ///
  /// Only a message without References and In-Reply-To falls back to its subject:
  /// - with a reply or forward prefix, it joins the newest thread of the same subject key;
  /// - without one, it joins the newest thread of that key that so far holds only such
  ///   replies (its original arrived after them, as a newest-first sync does).
  ///
  /// Must run inside the transaction that inserts the message.
  func assignThread(
    account: AccountID, messageID: String?, inReplyTo: String?, references: [String],
    subject: String?
  ) throws -> Int64 {
    let ancestors = MessageIDs.ancestors(
      references: references, inReplyTo: inReplyTo, own: messageID)
    var linkedIDs = ancestors
    if let messageID { linkedIDs.append(messageID) }

    var found = Set<Int64>()
    var unrecordedIDs: [String] = []
    for id in linkedIDs {
      if let thread = try threadOf(messageID: id, account: account) {
        found.insert(thread)
      } else {
        unrecordedIDs.append(id)
      }
    }

    let thread: Int64
    if let oldest = found.min() {
      thread = oldest
      for other in found where other != oldest {
        try mergeThread(other, into: oldest)
      }
      if ancestors.isEmpty && !SubjectNormalizer.hasReplyPrefix(subject) {
        try database.run("UPDATE threads SET needs_root = 0 WHERE id = ?1", thread)
      }
    } else if ancestors.isEmpty {
      thread = try threadBySubject(account: account, subject: subject)
    } else {
      thread = try createThread(account: account, subject: subject, needsRoot: false)
    }

    // The ids found above already have a row, moved to `thread` by any merge.
    for id in unrecordedIDs {
      try database.run(
        """
        INSERT INTO thread_message_ids (account, message_id, thread) VALUES (?1, ?2, ?3)
        ON CONFLICT (account, message_id) DO NOTHING
        """, account, id, thread)
    }
    return thread
  }

  private func threadOf(messageID: String, account: AccountID) throws -> Int64? {
    try database.firstRow(
      "SELECT thread FROM thread_message_ids WHERE account = ?1 AND message_id = ?2",
      account, messageID
    ) { $0.int64(0) }
  }

  /// Returns the thread for a message without references, found by subject or created.
  private func threadBySubject(account: AccountID, subject: String?) throws -> Int64 {
    let key = SubjectNormalizer.key(subject)
    guard !key.isEmpty else {
      return try createThread(account: account, subject: subject, needsRoot: false)
    }

    if SubjectNormalizer.hasReplyPrefix(subject) {
      let existing = try database.firstRow(
        "SELECT max(id) FROM threads WHERE account = ?1 AND subject_key = ?2", account, key
      ) { $0.optionalInt64(0) } ?? nil
      return try existing ?? createThread(account: account, subject: subject, needsRoot: true)
    }

    let waiting = try database.firstRow(
      "SELECT max(id) FROM threads WHERE account = ?1 AND subject_key = ?2 AND needs_root = 1",
      account, key
    ) { $0.optionalInt64(0) } ?? nil
    if let waiting {
      try database.run("UPDATE threads SET needs_root = 0 WHERE id = ?1", waiting)
      return waiting
    }
    return try createThread(account: account, subject: subject, needsRoot: false)
  }

  private func createThread(account: AccountID, subject: String?, needsRoot: Bool) throws -> Int64 {
    try database.run(
      "INSERT INTO threads (account, subject_key, needs_root) VALUES (?1, ?2, ?3)",
      account, SubjectNormalizer.key(subject), needsRoot)
    return database.lastInsertRowID
  }

  /// Moves the messages and ids of thread `source` to `target` and deletes `source`.
  private func mergeThread(_ source: Int64, into target: Int64) throws {
    try database.run("UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2", target, source)
    try database.run(
      "UPDATE thread_message_ids SET thread = ?1 WHERE thread = ?2", target, source)
    try database.run(
      """
      UPDATE threads SET needs_root = needs_root AND (SELECT needs_root FROM threads WHERE id = ?2)
      WHERE id = ?1
      """, target, source)
    try database.run("DELETE FROM threads WHERE id = ?1", source)
  }

  /// Returns the thread of a stored message, or nil when the id is unknown.
  public func threadID(of message: MessageRowID) throws -> ThreadID? {
    try database.firstRow("SELECT thread_id FROM messages WHERE id = ?1", message) {
      ThreadID($0.int64(0))
    }
  }
}
