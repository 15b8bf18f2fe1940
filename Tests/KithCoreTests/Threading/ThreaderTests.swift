import Foundation
import Testing

@testable import KithCore

@Suite struct ThreaderTests {
  private func date(_ minutes: Double) -> Date { Date(timeIntervalSince1970: minutes * 60) }

  @Test func replyChainBuildsTree() {
    let messages = [
      ThreadableMessage(messageID: "<a@x>", subject: "Plan", date: date(0)),
      ThreadableMessage(messageID: "<b@x>", inReplyTo: "<a@x>", references: ["a@x"], subject: "Re: Plan", date: date(1)),
      ThreadableMessage(messageID: "<c@x>", references: ["a@x", "b@x"], subject: "Re: Plan", date: date(2)),
      ThreadableMessage(messageID: "<d@x>", inReplyTo: "<a@x>", subject: "Re: Plan", date: date(3)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    let root = trees[0]
    #expect(root.message == 0)
    #expect(root.children.map(\.message) == [1, 3])
    #expect(root.children[0].children.map(\.message) == [2])
  }

  @Test func missingParentBecomesPlaceholder() {
    let messages = [
      ThreadableMessage(messageID: "b@x", inReplyTo: "<gone@x>", subject: "Re: Plan", date: date(1)),
      ThreadableMessage(messageID: "c@x", inReplyTo: "<gone@x>", subject: "Re: Plan", date: date(2)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(trees[0].message == nil)
    #expect(trees[0].messageID == "gone@x")
    #expect(trees[0].children.map(\.message) == [0, 1])
  }

  @Test func singleChildPlaceholderIsDropped() {
    let messages = [
      ThreadableMessage(messageID: "b@x", inReplyTo: "<gone@x>", subject: "Re: Plan", date: date(1))
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(trees[0].message == 0)
    #expect(trees[0].children.isEmpty)
  }

  @Test func middlePlaceholderPromotesChildren() {
    let messages = [
      ThreadableMessage(messageID: "a@x", subject: "Plan", date: date(0)),
      ThreadableMessage(messageID: "c@x", references: ["a@x", "gone@x"], subject: "Re: Plan", date: date(2)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(trees[0].message == 0)
    #expect(trees[0].children.map(\.message) == [1])
  }

  @Test func duplicateMessageIDJoinsFirst() {
    let messages = [
      ThreadableMessage(messageID: "a@x", subject: "Plan", date: date(0)),
      ThreadableMessage(messageID: "a@x", subject: "Plan", date: date(0)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(Set(trees[0].messageIndices) == [0, 1])
  }

  @Test func referenceCycleIsBroken() {
    let messages = [
      ThreadableMessage(messageID: "a@x", references: ["b@x"], date: date(0)),
      ThreadableMessage(messageID: "b@x", references: ["a@x"], date: date(1)),
      ThreadableMessage(messageID: "c@x", references: ["c@x"], date: date(2)),
      ThreadableMessage(messageID: "d@x", references: ["e@x", "d@x", "e@x"], date: date(3)),
    ]

    let trees = Threader.buildThreads(messages)

    let all = trees.flatMap(\.messageIndices).sorted()
    #expect(all == [0, 1, 2, 3])
    #expect(trees.contains { Set($0.messageIndices) == [0, 1] })
    #expect(trees.contains { $0.messageIndices == [2] })
  }

  @Test func ownReferencesOverrideOthers() {
    // c's References claim that b replies to x, but b's own header names a.
    let messages = [
      ThreadableMessage(messageID: "c@x", references: ["x@x", "b@x"], date: date(2)),
      ThreadableMessage(messageID: "b@x", inReplyTo: "<a@x>", date: date(1)),
      ThreadableMessage(messageID: "a@x", date: date(0)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(trees[0].message == 2)
    #expect(trees[0].children.first?.message == 1)
    #expect(trees[0].children.first?.children.first?.message == 0)
  }

  @Test func subjectGroupsOnlyUnreferencedReplies() {
    let messages = [
      ThreadableMessage(messageID: "a@x", subject: "Quote", date: date(0)),
      ThreadableMessage(messageID: "b@x", subject: "Re: Quote", date: date(1)),
      ThreadableMessage(messageID: "c@x", inReplyTo: "<other@x>", subject: "Re: Quote", date: date(2)),
      ThreadableMessage(messageID: "d@x", subject: "Quote", date: date(3)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 3)
    #expect(trees[0].message == 0)
    #expect(trees[0].children.map(\.message) == [1])
    #expect(trees[1].messageIndices == [2])
    #expect(trees[2].messageIndices == [3])
  }

  @Test func unreferencedRepliesGroupTogether() {
    let messages = [
      ThreadableMessage(messageID: "a@x", subject: "Re: Lunch", date: date(0)),
      ThreadableMessage(messageID: "b@x", subject: "RE: lunch", date: date(1)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.count == 1)
    #expect(trees[0].messageIndices == [0, 1])
  }

  @Test func resultDoesNotDependOnOrder() {
    var generator = SeededGenerator(seed: 99)
    let messages = ThreadingFixture.randomForest(count: 80, using: &generator).map(\.threadable)
    let expected = ThreadingFixture.partition(Threader.buildThreads(messages), count: messages.count)

    for _ in 0..<5 {
      let order = messages.indices.shuffled(using: &generator)
      let trees = Threader.buildThreads(order.map { messages[$0] })
      let mapped = Set(trees.map { Set($0.messageIndices.map { order[$0] }) })
      #expect(mapped == expected)
    }
  }

  @Test func treesAreSortedByDate() {
    let messages = [
      ThreadableMessage(messageID: "late@x", subject: "Late", date: date(50)),
      ThreadableMessage(messageID: "undated@x", subject: "Undated", date: nil),
      ThreadableMessage(messageID: "early@x", subject: "Early", date: date(10)),
    ]

    let trees = Threader.buildThreads(messages)

    #expect(trees.map(\.message) == [1, 2, 0])
  }
}

@Suite struct SubjectNormalizerTests {
  @Test(arguments: [
    ("Re: Hello", "hello"),
    ("RE: re: Fwd: Hello", "hello"),
    ("AW: SV: WG: VS: Hello", "hello"),
    ("Re[2]: Hello", "hello"),
    ("Re(3): Hello", "hello"),
    ("[sales] Re: [sales] Hello   world", "hello world"),
    ("回复：你好", "你好"),
    ("Fw : Hello", "hello"),
    ("Hello", "hello"),
    ("Regarding: Hello", "regarding: hello"),
    ("Re: ", ""),
  ])
  func keyStripsPrefixes(subject: String, key: String) {
    #expect(SubjectNormalizer.key(subject) == key)
  }

  @Test func missingSubjectHasEmptyKey() {
    #expect(SubjectNormalizer.key(nil) == "")
    #expect(!SubjectNormalizer.hasReplyPrefix(nil))
  }

  @Test func replyPrefixDetection() {
    #expect(SubjectNormalizer.hasReplyPrefix("Re: Hello"))
    #expect(SubjectNormalizer.hasReplyPrefix("[list] Fwd: Hello"))
    #expect(!SubjectNormalizer.hasReplyPrefix("[list] Hello"))
    #expect(!SubjectNormalizer.hasReplyPrefix("Research: Hello"))
  }
}

@Suite struct MessageIDsTests {
  @Test(arguments: [
    ("<a@x>", "a@x"),
    ("  <a@x>  ", "a@x"),
    ("a@x", "a@x"),
    ("<a@x> (Ann's message of Monday)", "a@x"),
    ("<a@x", "a@x"),
  ])
  func normalizeStripsBrackets(value: String, expected: String) {
    #expect(MessageIDs.normalize(value) == expected)
  }

  @Test func emptyValuesAreNil() {
    #expect(MessageIDs.normalize(nil) == nil)
    #expect(MessageIDs.normalize("") == nil)
    #expect(MessageIDs.normalize("<>") == nil)
  }

  @Test func ancestorsAppendInReplyTo() {
    #expect(MessageIDs.ancestors(references: ["a", "b"], inReplyTo: "<b>", own: "c") == ["a", "b"])
    #expect(MessageIDs.ancestors(references: ["a"], inReplyTo: "<b>", own: "c") == ["a", "b"])
    #expect(MessageIDs.ancestors(references: ["a", "c"], inReplyTo: nil, own: "c") == ["a"])
  }
}
