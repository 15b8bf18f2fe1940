import Foundation

/// The responses to opening a mailbox with the QRESYNC parameter (RFC 7162, section 3.2.5):
/// the mailbox status, the UIDs expunged since the known mod-sequence, and the flags of the
/// messages changed since then.
public struct IMAPResyncOpenResult: Sendable {
  public var status: IMAPMailboxStatus
  public var vanishedUIDs: [UID]
  public var changedFlags: [UID: [String]]
}

extension IMAPClient {
  /// Sends `ENABLE QRESYNC` once when the server has QRESYNC and returns whether it is enabled.
  ///
  /// - Throws: `KithError` with `.network`, or `.serverResponse` when the server rejects ENABLE.
  @discardableResult
  public func enableQResync() throws -> Bool {
    if isQResyncEnabled { return true }
    guard try supports("QRESYNC"), try supports("ENABLE") else { return false }
    var enabled: [String] = []
    try execute("ENABLE QRESYNC") { response in
      guard case .enabled(let names) = response else { return false }
      enabled += names.map { $0.uppercased() }
      return true
    }
    isQResyncEnabled = enabled.contains("QRESYNC")
    return isQResyncEnabled
  }

  /// Opens `mailbox` with SELECT (`readWrite`) or EXAMINE. With `known` and QRESYNC enabled,
  /// requests the changes since `known.modSeq` among the UIDs `known.uids` only.
  ///
  /// - Throws: as `examine(_:)`.
  public func openForResync(
    _ mailbox: String, readWrite: Bool,
    known: (uidValidity: UInt32, modSeq: UInt64, uids: ClosedRange<UID>)? = nil
  ) throws -> IMAPResyncOpenResult {
    var parameters: String?
    if let known, known.modSeq > 0, isQResyncEnabled {
      parameters =
        " (QRESYNC (\(known.uidValidity) \(known.modSeq) \(known.uids.lowerBound):\(known.uids.upperBound)))"
    }
    var vanished: [UID] = []
    var flags: [UID: [String]] = [:]
    let status = try open(
      mailbox, command: readWrite ? "SELECT" : "EXAMINE", parameters: parameters
    ) { response in
      switch response {
      case .vanished(_, let set):
        vanished += Self.expand(set, upTo: known?.uids.upperBound ?? 0)
        return true
      case .fetch(_, let attributes):
        guard let uid = attributes.uid, let changed = attributes.flags else { return false }
        flags[uid] = changed
        return true
      default:
        return false
      }
    }
    return IMAPResyncOpenResult(status: status, vanishedUIDs: vanished, changedFlags: flags)
  }

  /// Returns every UID of the selected mailbox, ascending, with ESEARCH (RFC 4731) when the
  /// server has it, else with `UID SEARCH ALL`.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func allUIDs() throws -> [UID] {
    guard try supports("ESEARCH") else { return try uidSearch("ALL") }
    var uids: [UID] = []
    try execute("UID SEARCH RETURN (ALL) ALL") { response in
      guard case .esearch(let result) = response else { return false }
      if let all = result.all { uids += Self.expand(all, upTo: 0) }
      return true
    }
    return uids.sorted()
  }

  /// Returns the flags of the messages with UIDs in `range`, keyed by UID. With
  /// `changedSince` (CONDSTORE, RFC 7162 section 3.1.4), only messages whose flags changed
  /// after that mod-sequence are returned.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func fetchFlags(in range: ClosedRange<UID>, changedSince: UInt64? = nil) throws
    -> [UID: [String]]
  {
    var command = "UID FETCH \(range.lowerBound):\(range.upperBound) (UID FLAGS)"
    if let changedSince { command += " (CHANGEDSINCE \(changedSince))" }
    var flags: [UID: [String]] = [:]
    try execute(command) { response in
      guard case .fetch(_, let attributes) = response, attributes.body == nil,
        let uid = attributes.uid, range.contains(uid), let list = attributes.flags
      else { return false }
      flags[uid] = list
      return true
    }
    return flags
  }

  /// Returns the UID and RFC822.SIZE of each message with a UID in `range`, ascending.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func fetchSizes(in range: ClosedRange<UID>) throws -> [(uid: UID, size: Int)] {
    var sizes: [(uid: UID, size: Int)] = []
    try execute("UID FETCH \(range.lowerBound):\(range.upperBound) (UID RFC822.SIZE)") { response in
      guard case .fetch(_, let attributes) = response, attributes.body == nil,
        let uid = attributes.uid, let size = attributes.size, range.contains(uid)
      else { return false }
      sizes.append((uid, size))
      return true
    }
    return sizes.sorted { $0.uid < $1.uid }
  }

  /// Adds (`isAdded`) or removes `flags` on the messages with `uids` of the selected mailbox
  /// with `UID STORE ... +FLAGS.SILENT` or `-FLAGS.SILENT`. Returns once the tagged OK arrived.
  ///
  /// - Throws: `KithError` with `.serverResponse` on NO or BAD (such as a read-only mailbox),
  ///   `.network` when the connection fails.
  public func storeFlags(_ flags: [String], uids: [UID], isAdded: Bool) throws {
    guard !uids.isEmpty, !flags.isEmpty else { return }
    let set = IMAPSequenceSet(numbers: uids).wireText
    let sign = isAdded ? "+" : "-"
    try execute("UID STORE \(set) \(sign)FLAGS.SILENT (\(flags.joined(separator: " ")))") { _ in
      false
    }
  }

  /// Removes the messages flagged `\Deleted` from the selected mailbox with EXPUNGE.
  ///
  /// - Throws: `KithError` with `.network` or `.serverResponse`.
  public func expunge() throws {
    try execute("EXPUNGE") { response in
      switch response {
      case .expunge, .vanished: return true
      default: return false
      }
    }
  }

  /// Lists the numbers of `set`, with `*` (`UInt32.max`) read as `limit`.
  static func expand(_ set: IMAPSequenceSet, upTo limit: UInt32) -> [UInt32] {
    var numbers: [UInt32] = []
    for range in set.ranges {
      let upper = range.upperBound == UInt32.max ? max(limit, range.lowerBound) : range.upperBound
      guard range.lowerBound <= upper else { continue }
      numbers += Array(range.lowerBound...upper)
    }
    return numbers
  }
}
