import Foundation

/// One complete server response (RFC 3501, section 7), with any literals already read.
public enum IMAPResponse: Sendable, Equatable {
  /// The completion of the command sent with `tag`.
  case tagged(tag: String, status: IMAPStatusResponse)
  /// Data or a status that starts with `*`, solicited or not.
  case untagged(IMAPUntaggedResponse)
  /// A `+` request for the rest of a command, with the server's text.
  case continuation(String)
}

/// An OK, NO, BAD, PREAUTH or BYE response with its optional response code.
public struct IMAPStatusResponse: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case preauth = "PREAUTH"
    case bye = "BYE"
  }

  public var kind: Kind
  public var code: IMAPResponseCode?
  /// The human-readable text after the response code.
  public var text: String

  public init(kind: Kind, code: IMAPResponseCode? = nil, text: String) {
    self.kind = kind
    self.code = code
    self.text = text
  }
}

/// A bracketed response code such as `[UIDVALIDITY 3857529045]` (RFC 3501, section 7.1).
public enum IMAPResponseCode: Sendable, Equatable {
  case uidValidity(UInt32)
  case uidNext(UID)
  case highestModSeq(UInt64)
  case noModSeq
  case unseen(UInt32)
  case permanentFlags([String])
  case capability([String])
  case readOnly
  case readWrite
  case alert
  case tryCreate
  case closed
  case appendUID(uidValidity: UInt32, uid: UID)
  case copyUID(uidValidity: UInt32, source: String, destination: String)
  /// Any other code, with its name upper-cased and its arguments as raw text.
  case other(name: String, arguments: String?)
}

/// The data of a response that starts with `*`.
public enum IMAPUntaggedResponse: Sendable, Equatable {
  case status(IMAPStatusResponse)
  case capability([String])
  case enabled([String])
  case flags([String])
  case exists(UInt32)
  case recent(UInt32)
  case expunge(sequenceNumber: UInt32)
  case fetch(sequenceNumber: UInt32, attributes: IMAPFetchAttributes)
  case list(IMAPMailbox)
  case lsub(IMAPMailbox)
  /// SEARCH results; the optional `(MODSEQ n)` of RFC 7162 is kept apart.
  case search([UInt32], modSeq: UInt64?)
  case esearch(IMAPESearchResult)
  /// UIDs removed from the selected mailbox (RFC 7162, section 3.2.10).
  case vanished(earlier: Bool, uids: IMAPSequenceSet)
  /// A response Kith does not interpret, kept as its name and parsed values.
  case other(name: String, values: [IMAPValue])
}

/// The message attributes of one FETCH response.
///
/// Attributes that Kith does not model (ENVELOPE, BODYSTRUCTURE, other sections) are kept in
/// `otherAttributes` as parsed values, so literals inside them are read correctly too.
public struct IMAPFetchAttributes: Sendable, Equatable {
  public var uid: UID?
  public var flags: [String]?
  /// INTERNALDATE, the time the server received the message.
  public var internalDate: Date?
  /// RFC822.SIZE in bytes.
  public var size: Int?
  /// The whole message from `BODY[]`, or nil when the server sent NIL or no such attribute.
  public var body: Data?
  public var modSeq: UInt64?
  /// Other attributes, keyed by their upper-cased name including any section (`BODY[HEADER]`).
  public var otherAttributes: [String: IMAPValue]

  public init(
    uid: UID? = nil, flags: [String]? = nil, internalDate: Date? = nil, size: Int? = nil,
    body: Data? = nil, modSeq: UInt64? = nil, otherAttributes: [String: IMAPValue] = [:]
  ) {
    self.uid = uid
    self.flags = flags
    self.internalDate = internalDate
    self.size = size
    self.body = body
    self.modSeq = modSeq
    self.otherAttributes = otherAttributes
  }
}

/// One LIST or LSUB entry.
public struct IMAPMailbox: Sendable, Equatable {
  /// The mailbox name as the server sent it (modified UTF-7 for non-ASCII names).
  public var name: String
  /// The hierarchy delimiter, or nil for a flat namespace.
  public var delimiter: Character?
  /// Name attributes such as `\HasNoChildren` or the special-use `\Sent`, as sent.
  public var attributes: [String]

  public init(name: String, delimiter: Character?, attributes: [String]) {
    self.name = name
    self.delimiter = delimiter
    self.attributes = attributes
  }

  /// Reports whether `attribute` is present, ignoring case as RFC 3501 requires for flags.
  public func hasAttribute(_ attribute: String) -> Bool {
    attributes.contains { $0.caseInsensitiveCompare(attribute) == .orderedSame }
  }
}

/// The result of an ESEARCH (RFC 4731).
public struct IMAPESearchResult: Sendable, Equatable {
  public var tag: String?
  public var isUID: Bool
  public var min: UInt32?
  public var max: UInt32?
  public var count: UInt32?
  public var all: IMAPSequenceSet?
  public var modSeq: UInt64?

  public init(
    tag: String? = nil, isUID: Bool = false, min: UInt32? = nil, max: UInt32? = nil,
    count: UInt32? = nil, all: IMAPSequenceSet? = nil, modSeq: UInt64? = nil
  ) {
    self.tag = tag
    self.isUID = isUID
    self.min = min
    self.max = max
    self.count = count
    self.all = all
    self.modSeq = modSeq
  }
}

/// A set of numbers as ranges, such as `1:4,7,9:12`.
///
/// `*` is not representable; the parser maps it to `UInt32.max`.
public struct IMAPSequenceSet: Sendable, Equatable {
  public var ranges: [ClosedRange<UInt32>]

  public init(ranges: [ClosedRange<UInt32>]) {
    self.ranges = ranges
  }

  /// Builds the smallest range list covering `numbers`, sorted ascending.
  public init<S: Sequence>(numbers: S) where S.Element == UInt32 {
    var ranges: [ClosedRange<UInt32>] = []
    for number in Set(numbers).sorted() {
      if let last = ranges.last, last.upperBound != UInt32.max, last.upperBound + 1 == number {
        ranges[ranges.count - 1] = last.lowerBound...number
      } else {
        ranges.append(number...number)
      }
    }
    self.ranges = ranges
  }

  /// The count of numbers in all ranges.
  public var count: Int {
    ranges.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound) + 1 }
  }

  /// The set in IMAP syntax, such as `1:4,7`.
  public var wireText: String {
    ranges.map { range in
      range.lowerBound == range.upperBound
        ? String(range.lowerBound) : "\(range.lowerBound):\(range.upperBound)"
    }.joined(separator: ",")
  }
}

/// A parsed value of the generic IMAP syntax: atoms, numbers, strings, NIL and lists.
public indirect enum IMAPValue: Sendable, Equatable {
  case nil_
  case atom(String)
  case number(UInt64)
  /// A quoted string or a literal, as raw bytes because literals may hold 8-bit data.
  case string(Data)
  case list([IMAPValue])

  /// The value as text: strings decoded as UTF-8 (invalid bytes replaced), atoms and numbers
  /// as written; nil for NIL and lists.
  public var text: String? {
    switch self {
    case .atom(let atom): return atom
    case .number(let number): return String(number)
    case .string(let data): return String(decoding: data, as: UTF8.self)
    case .nil_, .list: return nil
    }
  }
}
