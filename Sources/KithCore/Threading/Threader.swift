import Foundation

/// The header fields that place a message in a thread.
public struct ThreadableMessage: Hashable, Sendable {
  public var messageID: String?
  public var inReplyTo: String?
  /// Message-IDs from References, oldest first.
  public var references: [String]
  public var subject: String?
  public var date: Date?

  public init(
    messageID: String?, inReplyTo: String? = nil, references: [String] = [],
    subject: String? = nil, date: Date? = nil
  ) {
    self.messageID = messageID
    self.inReplyTo = inReplyTo
    self.references = references
    self.subject = subject
    self.date = date
  }
}

/// One node of a thread tree.
public struct ThreadNode: Hashable, Sendable {
  /// The index of the message in the threader's input, or nil for a placeholder: a message
  /// that others reference but that is not in the input.
  public var message: Int?
  /// The node's Message-ID without angle brackets, when it has one.
  public var messageID: String?
  /// Replies, oldest first.
  public var children: [ThreadNode]

  public init(message: Int?, messageID: String?, children: [ThreadNode]) {
    self.message = message
    self.messageID = messageID
    self.children = children
  }

  /// The input indices of the messages in this tree, depth first.
  public var messageIndices: [Int] {
    (message.map { [$0] } ?? []) + children.flatMap(\.messageIndices)
  }
}

/// Builds thread trees from Message-ID, In-Reply-To and References, after Jamie Zawinski's
/// algorithm (https://www.jwz.org/doc/threading.html), with these choices:
///
/// - A message whose Message-ID is already taken (the same mail in two folders) becomes a
///   child of the first one.
/// - A link that would close a reference cycle is not made.
/// - The subject groups only messages that have neither In-Reply-To nor References and whose
///   subject starts with a reply or forward prefix. Such a message goes under the tree of
///   the same subject key, preferably one whose root is not itself grouped this way. Two
///   unrelated messages with the subject "Hello" stay apart.
///
/// The result does not depend on the input order when the references agree with one tree;
/// conflicting References headers are resolved in favour of the first link seen.
public enum Threader {
  /// Returns the thread trees of `messages`, each tree's children and the trees themselves
  /// sorted by date (the earliest message of each tree for the trees).
  /// - Complexity: O(n·d + n log n) for n messages and thread depth d.
  public static func buildThreads(_ messages: [ThreadableMessage]) -> [ThreadNode] {
    let forest = Forest(messages: messages)
    for index in messages.indices {
      forest.place(index)
    }
    var roots = forest.prune(forest.roots(), atRoot: true)
    roots = forest.groupBySubject(roots)
    return forest.sortedTrees(roots)
  }
}

/// The working state of `Threader`: containers addressed by index, one per Message-ID seen.
private final class Forest {
  struct Container {
    var message: Int?
    var messageID: String?
    var parent: Int?
    var children: [Int] = []
  }

  let messages: [ThreadableMessage]
  var containers: [Container] = []
  var byMessageID: [String: Int] = [:]
  /// Earliest dates of subtrees, filled after linking; cleared when subject grouping moves
  /// trees.
  var dateCache: [Int: Date] = [:]

  init(messages: [ThreadableMessage]) {
    self.messages = messages
  }

  func container(for messageID: String) -> Int {
    if let existing = byMessageID[messageID] { return existing }
    containers.append(Container(message: nil, messageID: messageID))
    byMessageID[messageID] = containers.count - 1
    return containers.count - 1
  }

  /// Puts message `index` in its container and links its ancestors.
  func place(_ index: Int) {
    let message = messages[index]
    let ownID = MessageIDs.normalize(message.messageID)

    let own: Int
    if let ownID, let existing = byMessageID[ownID], containers[existing].message != nil {
      containers.append(Container(message: index, messageID: ownID))
      own = containers.count - 1
      setParent(of: own, to: existing)
      return
    } else if let ownID {
      own = container(for: ownID)
      containers[own].message = index
    } else {
      containers.append(Container(message: index, messageID: nil))
      own = containers.count - 1
    }

    let ancestors = MessageIDs.ancestors(
      references: message.references, inReplyTo: message.inReplyTo, own: ownID)
    let chain = ancestors.map { container(for: $0) }
    // Earlier messages may already have linked these ids; the first link wins, which
    // keeps the result independent of order when all headers agree.
    for (parent, child) in zip(chain, chain.dropFirst())
    where containers[child].parent == nil && !isAncestor(child, of: parent) {
      setParent(of: child, to: parent)
    }
    // The message's own last reference names its parent, so it overrides a link that
    // another message's References implied.
    if let parent = chain.last, !isAncestor(own, of: parent) {
      setParent(of: own, to: parent)
    }
  }

  /// Returns whether `candidate` is `node` or one of its ancestors.
  func isAncestor(_ candidate: Int, of node: Int) -> Bool {
    var current: Int? = node
    while let step = current {
      if step == candidate { return true }
      current = containers[step].parent
    }
    return false
  }

  func setParent(of child: Int, to parent: Int) {
    if let old = containers[child].parent {
      containers[old].children.removeAll { $0 == child }
    }
    containers[child].parent = parent
    containers[parent].children.append(child)
  }

  func roots() -> [Int] {
    containers.indices.filter { containers[$0].parent == nil }
  }

  /// Drops placeholders without children and replaces a placeholder by its children, except
  /// a root placeholder with several children, which keeps those replies together.
  func prune(_ nodes: [Int], atRoot: Bool) -> [Int] {
    var result: [Int] = []
    for node in nodes {
      let children = prune(containers[node].children, atRoot: false)
      containers[node].children = children
      for child in children { containers[child].parent = node }

      if containers[node].message != nil {
        result.append(node)
      } else if children.isEmpty {
        continue
      } else if atRoot && children.count > 1 {
        result.append(node)
      } else {
        for child in children { containers[child].parent = nil }
        result.append(contentsOf: children)
      }
    }
    return result
  }

  /// Moves each root that is a reply without references under the tree of the same
  /// subject key.
  func groupBySubject(_ roots: [Int]) -> [Int] {
    let ordered = roots.sorted { earliestDate(of: $0) < earliestDate(of: $1) }
    var rootsByKey: [String: [Int]] = [:]
    for root in ordered {
      let key = SubjectNormalizer.key(subject(of: root))
      if !key.isEmpty { rootsByKey[key, default: []].append(root) }
    }

    var moved = Set<Int>()
    for group in rootsByKey.values where group.count > 1 {
      let replies = group.filter { isReplyWithoutReferences($0) }
      let originals = group.filter { !isReplyWithoutReferences($0) }
      for reply in replies {
        let date = earliestDate(of: reply)
        let target =
          originals.last(where: { earliestDate(of: $0) <= date }) ?? originals.first
          ?? (reply == replies.first ? nil : replies.first)
        guard let target else { continue }
        containers[target].children.append(reply)
        containers[reply].parent = target
        moved.insert(reply)
      }
    }
    dateCache = [:]
    return ordered.filter { !moved.contains($0) }
  }

  func isReplyWithoutReferences(_ node: Int) -> Bool {
    guard let index = containers[node].message else { return false }
    let message = messages[index]
    let hasReferences =
      !message.references.isEmpty || MessageIDs.normalize(message.inReplyTo) != nil
    return !hasReferences && SubjectNormalizer.hasReplyPrefix(message.subject)
  }

  /// Returns the subject of the node's message, or of its earliest child for a placeholder.
  func subject(of node: Int) -> String? {
    if let index = containers[node].message { return messages[index].subject }
    let first = containers[node].children.min { earliestDate(of: $0) < earliestDate(of: $1) }
    return first.flatMap { subject(of: $0) }
  }

  /// Returns the earliest date in the tree. An undated message counts as the distant past.
  func earliestDate(of node: Int) -> Date {
    if let cached = dateCache[node] { return cached }
    var result = Date.distantFuture
    if let index = containers[node].message {
      result = messages[index].date ?? .distantPast
    }
    for child in containers[node].children {
      result = min(result, earliestDate(of: child))
    }
    dateCache[node] = result
    return result
  }

  func sortedTrees(_ nodes: [Int]) -> [ThreadNode] {
    let sorted = nodes.sorted { lhs, rhs in
      let left = earliestDate(of: lhs)
      let right = earliestDate(of: rhs)
      if left != right { return left < right }
      return firstIndex(of: lhs) < firstIndex(of: rhs)
    }
    return sorted.map { node in
      ThreadNode(
        message: containers[node].message, messageID: containers[node].messageID,
        children: sortedTrees(containers[node].children))
    }
  }

  /// Returns the smallest input index in the tree, the tie-breaker for equal dates.
  func firstIndex(of node: Int) -> Int {
    let own = containers[node].message ?? Int.max
    return containers[node].children.map { firstIndex(of: $0) }.reduce(own, min)
  }
}
