import Foundation

@testable import KithCore

/// A deterministic random number generator (SplitMix64), so that failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

enum ThreadingFixture {
  struct Generated {
    var threadable: ThreadableMessage
  }

  /// Builds conversations as random trees whose References headers agree with the tree.
  /// Each message lists its ancestors, sometimes only the last few, and some ancestors are
  /// left out of the result, as when a reply from someone else never reached the mailbox.
  static func randomForest(count: Int, using generator: inout SeededGenerator) -> [Generated] {
    var ancestors: [[String]] = []
    var all: [(id: String, ancestors: [String])] = []
    for index in 0..<count {
      let id = "m\(index)@test"
      var chain: [String] = []
      // About one message in six starts a conversation.
      if index > 0 && Int.random(in: 0..<6, using: &generator) != 0 {
        let parent = Int.random(in: 0..<index, using: &generator)
        chain = ancestors[parent] + [all[parent].id]
      }
      ancestors.append(chain)
      all.append((id, chain))
    }

    var result: [Generated] = []
    for (index, entry) in all.enumerated() {
      // Drop about one message in eight, so that some parents are missing.
      if Int.random(in: 0..<8, using: &generator) == 0 { continue }
      var references = entry.ancestors
      if references.count > 3 && Bool.random(using: &generator) {
        references = Array(references.suffix(2))
      }
      let useInReplyToOnly = Int.random(in: 0..<4, using: &generator) == 0
      result.append(
        Generated(
          threadable: ThreadableMessage(
            messageID: entry.id, inReplyTo: references.last.map { "<\($0)>" },
            references: useInReplyToOnly ? [] : references,
            subject: references.isEmpty ? "Topic \(index)" : "Re: Topic",
            date: Date(timeIntervalSince1970: Double(index) * 60))))
    }
    return result
  }

  /// Returns the sets of input indices that share a tree.
  static func partition(_ trees: [ThreadNode], count: Int) -> Set<Set<Int>> {
    Set(trees.map { Set($0.messageIndices) })
  }
}
