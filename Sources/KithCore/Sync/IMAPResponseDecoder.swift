import Foundation

/// A recursive-descent decoder for one framed response, literals included.
///
/// Every read checks the bounds and list nesting is limited, so malformed input ends in a
/// thrown error, never a crash or a loop.
struct IMAPResponseDecoder {
  static let maximumNestingDepth = 64

  private let bytes: ArraySlice<UInt8>
  private var index: Int

  init(bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    self.index = bytes.startIndex
  }

  // MARK: Responses

  mutating func decodeResponse() throws -> IMAPResponse {
    switch peek() {
    case UInt8(ascii: "+"):
      index += 1
      skipSpaces()
      return .continuation(readText())
    case UInt8(ascii: "*"):
      index += 1
      try expectSpace()
      return .untagged(try decodeUntagged())
    default:
      let tag = readAtomText()
      guard !tag.isEmpty else { throw malformed("missing tag") }
      try expectSpace()
      let keyword = readAtomText().uppercased()
      guard let kind = IMAPStatusResponse.Kind(rawValue: keyword), kind != .preauth, kind != .bye
      else { throw malformed("tagged response without OK, NO or BAD") }
      return .tagged(tag: tag, status: try decodeStatus(kind: kind))
    }
  }

  private mutating func decodeUntagged() throws -> IMAPUntaggedResponse {
    if let first = peek(), isDigit(first) {
      let number = try readNumber32()
      try expectSpace()
      return try decodeNumbered(number, keyword: readAtomText().uppercased())
    }
    let keyword = readAtomText().uppercased()
    if let kind = IMAPStatusResponse.Kind(rawValue: keyword) {
      return .status(try decodeStatus(kind: kind))
    }
    switch keyword {
    case "CAPABILITY":
      return .capability(readWords())
    case "ENABLED":
      return .enabled(readWords())
    case "FLAGS":
      try expectSpace()
      return .flags(try readAtomList())
    case "LIST":
      return .list(try decodeMailbox())
    case "LSUB":
      return .lsub(try decodeMailbox())
    case "SEARCH":
      return try decodeSearch()
    case "ESEARCH":
      return .esearch(try decodeESearch())
    case "VANISHED":
      return try decodeVanished()
    default:
      return .other(name: keyword, values: try readValuesToEnd())
    }
  }

  private mutating func decodeNumbered(_ number: UInt32, keyword: String) throws
    -> IMAPUntaggedResponse
  {
    switch keyword {
    case "EXISTS":
      try expectLineEnd()
      return .exists(number)
    case "RECENT":
      try expectLineEnd()
      return .recent(number)
    case "EXPUNGE":
      try expectLineEnd()
      return .expunge(sequenceNumber: number)
    case "FETCH":
      try expectSpace()
      let attributes = try decodeFetchAttributes()
      try expectLineEnd()
      return .fetch(sequenceNumber: number, attributes: attributes)
    default:
      return .other(name: keyword, values: [.number(UInt64(number))] + (try readValuesToEnd()))
    }
  }

  private mutating func decodeStatus(kind: IMAPStatusResponse.Kind) throws -> IMAPStatusResponse {
    skipSpaces()
    var code: IMAPResponseCode?
    if peek() == UInt8(ascii: "[") {
      code = try decodeResponseCode()
      skipSpaces()
    }
    return IMAPStatusResponse(kind: kind, code: code, text: readText())
  }

  // MARK: FETCH

  private mutating func decodeFetchAttributes() throws -> IMAPFetchAttributes {
    try expect(UInt8(ascii: "("))
    var attributes = IMAPFetchAttributes()
    skipSpaces()
    while peek() != UInt8(ascii: ")") {
      guard peek() != nil else { throw malformed("unterminated FETCH attribute list") }
      let name = try readFetchAttributeName()
      try expectSpace()
      try decodeFetchValue(name: name, into: &attributes)
      skipSpaces()
    }
    index += 1
    return attributes
  }

  private mutating func decodeFetchValue(name: String, into attributes: inout IMAPFetchAttributes)
    throws
  {
    switch name {
    case "UID":
      attributes.uid = try readNumber32()
    case "RFC822.SIZE":
      attributes.size = Int(try readNumber64())
    case "FLAGS":
      attributes.flags = try readAtomList()
    case "MODSEQ":
      try expect(UInt8(ascii: "("))
      attributes.modSeq = try readNumber64()
      try expect(UInt8(ascii: ")"))
    case "INTERNALDATE":
      let value = try readValue(depth: 0)
      guard let text = value.text, let date = IMAPDate.parse(text) else {
        throw malformed("invalid INTERNALDATE")
      }
      attributes.internalDate = date
    case "BODY[]", "RFC822":
      switch try readValue(depth: 0) {
      case .string(let data): attributes.body = data
      case .nil_: attributes.body = nil
      default: throw malformed("BODY[] is not a string")
      }
    default:
      attributes.otherAttributes[name] = try readValue(depth: 0)
    }
  }

  /// Reads a FETCH attribute name, including a section such as `[HEADER.FIELDS (FROM)]` and a
  /// partial suffix such as `<0>`, upper-cased.
  private mutating func readFetchAttributeName() throws -> String {
    let start = index
    while let byte = peek(), byte != UInt8(ascii: " "), byte != UInt8(ascii: "["),
      byte != UInt8(ascii: ")"), !isLineEnd(byte)
    {
      index += 1
    }
    if peek() == UInt8(ascii: "[") {
      try skipBracketedSection()
      if peek() == UInt8(ascii: "<") {
        guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
          throw malformed("unterminated partial range")
        }
        index = close + 1
      }
    }
    guard index > start else { throw malformed("missing FETCH attribute name") }
    return String(decoding: bytes[start..<index], as: UTF8.self).uppercased()
  }

  private mutating func skipBracketedSection() throws {
    while let byte = peek() {
      index += 1
      if byte == UInt8(ascii: "]") { return }
      if isLineEnd(byte) { break }
    }
    throw malformed("unterminated section")
  }

  // MARK: LIST, SEARCH, ESEARCH, VANISHED

  private mutating func decodeMailbox() throws -> IMAPMailbox {
    try expectSpace()
    let attributes = try readAtomList()
    try expectSpace()
    var delimiter: Character?
    switch try readValue(depth: 0) {
    case .nil_: delimiter = nil
    case .string(let data): delimiter = String(decoding: data, as: UTF8.self).first
    default: throw malformed("invalid LIST delimiter")
    }
    try expectSpace()
    guard let name = try readValue(depth: 0).text else { throw malformed("invalid LIST name") }
    // LIST-EXTENDED may append extended data such as ("CHILDINFO" ("SUBSCRIBED")).
    _ = try readValuesToEnd()
    return IMAPMailbox(name: name, delimiter: delimiter, attributes: attributes)
  }

  private mutating func decodeSearch() throws -> IMAPUntaggedResponse {
    var numbers: [UInt32] = []
    var modSeq: UInt64?
    for value in try readValuesToEnd() {
      switch value {
      case .number(let number):
        guard let number = UInt32(exactly: number) else { throw malformed("SEARCH number too large") }
        numbers.append(number)
      case .list(let items) where items.count == 2 && items[0].text?.uppercased() == "MODSEQ":
        if case .number(let value) = items[1] { modSeq = value }
      default:
        throw malformed("invalid SEARCH result")
      }
    }
    return .search(numbers, modSeq: modSeq)
  }

  private mutating func decodeESearch() throws -> IMAPESearchResult {
    var result = IMAPESearchResult()
    var values = try readValuesToEnd()[...]
    if case .list(let correlator)? = values.first {
      if correlator.count == 2, correlator[0].text?.uppercased() == "TAG" {
        result.tag = correlator[1].text
      }
      values = values.dropFirst()
    }
    while let name = values.first?.text?.uppercased() {
      values = values.dropFirst()
      if name == "UID" {
        result.isUID = true
        continue
      }
      guard let value = values.first else { throw malformed("ESEARCH item without value") }
      values = values.dropFirst()
      switch (name, value) {
      case ("MIN", .number(let number)): result.min = UInt32(clamping: number)
      case ("MAX", .number(let number)): result.max = UInt32(clamping: number)
      case ("COUNT", .number(let number)): result.count = UInt32(clamping: number)
      case ("MODSEQ", .number(let number)): result.modSeq = number
      case ("ALL", _):
        guard let text = value.text, let set = IMAPSequenceSetParser.parse(text) else {
          throw malformed("invalid ESEARCH ALL")
        }
        result.all = set
      default: break
      }
    }
    return result
  }

  private mutating func decodeVanished() throws -> IMAPUntaggedResponse {
    try expectSpace()
    var earlier = false
    if peek() == UInt8(ascii: "(") {
      let tagList = try readValue(depth: 0)
      earlier = tagList == .list([.atom("EARLIER")]) || tagList == .list([.atom("earlier")])
      try expectSpace()
    }
    guard let set = IMAPSequenceSetParser.parse(readAtomText()) else {
      throw malformed("invalid VANISHED set")
    }
    try expectLineEnd()
    return .vanished(earlier: earlier, uids: set)
  }

  // MARK: Response codes

  private mutating func decodeResponseCode() throws -> IMAPResponseCode {
    index += 1  // "["
    let nameStart = index
    while let byte = peek(), byte != UInt8(ascii: " "), byte != UInt8(ascii: "]"), !isLineEnd(byte) {
      index += 1
    }
    let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).uppercased()
    skipSpaces()
    let argumentsStart = index
    while let byte = peek(), byte != UInt8(ascii: "]"), !isLineEnd(byte) { index += 1 }
    guard peek() == UInt8(ascii: "]") else { throw malformed("unterminated response code") }
    let arguments = String(decoding: bytes[argumentsStart..<index], as: UTF8.self)
    index += 1
    return IMAPResponseCodeDecoder.decode(name: name, arguments: arguments)
  }

  // MARK: Generic values

  /// Reads values separated by spaces up to the end of the line.
  private mutating func readValuesToEnd() throws -> [IMAPValue] {
    var values: [IMAPValue] = []
    skipSpaces()
    while let byte = peek(), !isLineEnd(byte) {
      values.append(try readValue(depth: 0))
      skipSpaces()
    }
    try expectLineEnd()
    return values
  }

  mutating func readValue(depth: Int) throws -> IMAPValue {
    guard depth < Self.maximumNestingDepth else { throw malformed("lists nested too deeply") }
    guard let byte = peek() else { throw malformed("value expected") }
    switch byte {
    case UInt8(ascii: "("):
      return .list(try readList(depth: depth + 1))
    case UInt8(ascii: "\""):
      return .string(try readQuoted())
    case UInt8(ascii: "{"):
      return .string(try readLiteral())
    case UInt8(ascii: "~") where peek(offset: 1) == UInt8(ascii: "{"):
      return .string(try readLiteral())
    default:
      let atom = readAtomText(allowingSections: true)
      guard !atom.isEmpty else { throw malformed("value expected") }
      if atom.uppercased() == "NIL" { return .nil_ }
      if atom.utf8.allSatisfy(isDigit), let number = UInt64(atom) { return .number(number) }
      return .atom(atom)
    }
  }

  private mutating func readList(depth: Int) throws -> [IMAPValue] {
    index += 1  // "("
    var items: [IMAPValue] = []
    skipSpaces()
    while peek() != UInt8(ascii: ")") {
      guard let byte = peek(), !isLineEnd(byte) else { throw malformed("unterminated list") }
      items.append(try readValue(depth: depth))
      skipSpaces()
    }
    index += 1
    return items
  }

  private mutating func readQuoted() throws -> Data {
    index += 1  // opening quote
    var data = Data()
    while let byte = peek() {
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        return data
      case UInt8(ascii: "\\"):
        guard let escaped = peek(), !isLineEnd(escaped) else { throw malformed("bad escape") }
        data.append(escaped)
        index += 1
      case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
        throw malformed("line end inside a quoted string")
      default:
        data.append(byte)
      }
    }
    throw malformed("unterminated quoted string")
  }

  /// Reads `{n}CRLF` followed by n bytes, copying them in one block.
  private mutating func readLiteral() throws -> Data {
    if peek() == UInt8(ascii: "~") { index += 1 }
    try expect(UInt8(ascii: "{"))
    let count = try readNumber64()
    if peek() == UInt8(ascii: "+") { index += 1 }
    try expect(UInt8(ascii: "}"))
    if peek() == UInt8(ascii: "\r") { index += 1 }
    try expect(UInt8(ascii: "\n"))
    guard count <= UInt64(bytes.endIndex - index) else { throw malformed("literal past the end") }
    let end = index + Int(count)
    let data = Data(bytes[index..<end])
    index = end
    return data
  }

  private mutating func readAtomList() throws -> [String] {
    guard case .list(let items) = try readValue(depth: 0) else { throw malformed("list expected") }
    return try items.map { item in
      guard let text = item.text else { throw malformed("atom expected in list") }
      return text
    }
  }

  // MARK: Tokens

  private func peek(offset: Int = 0) -> UInt8? {
    index + offset < bytes.endIndex ? bytes[index + offset] : nil
  }

  private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private func isLineEnd(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
  }

  /// Reads atom characters. With `allowingSections`, a `[...]` part is kept inside the atom,
  /// spaces included, as in `BODY[HEADER.FIELDS (FROM)]`.
  private mutating func readAtomText(allowingSections: Bool = false) -> String {
    let start = index
    var bracketDepth = 0
    while let byte = peek(), !isLineEnd(byte) {
      if bracketDepth == 0 {
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
          || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{")
        {
          break
        }
        if byte == UInt8(ascii: "]") && !allowingSections { break }
      }
      if allowingSections && byte == UInt8(ascii: "[") { bracketDepth += 1 }
      if allowingSections && byte == UInt8(ascii: "]") && bracketDepth > 0 { bracketDepth -= 1 }
      index += 1
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func readWords() -> [String] {
    readText().split(separator: " ").map(String.init)
  }

  /// Reads the rest of the line as text, without its line end.
  private mutating func readText() -> String {
    let start = index
    while let byte = peek(), !isLineEnd(byte) { index += 1 }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    index = bytes.endIndex
    return text
  }

  private mutating func readNumber64() throws -> UInt64 {
    let start = index
    while let byte = peek(), isDigit(byte), index - start < 20 { index += 1 }
    guard index > start, let number = UInt64(String(decoding: bytes[start..<index], as: UTF8.self))
    else { throw malformed("number expected") }
    return number
  }

  private mutating func readNumber32() throws -> UInt32 {
    guard let number = UInt32(exactly: try readNumber64()) else {
      throw malformed("number out of range")
    }
    return number
  }

  private mutating func skipSpaces() {
    while peek() == UInt8(ascii: " ") { index += 1 }
  }

  private mutating func expectSpace() throws {
    guard peek() == UInt8(ascii: " ") else { throw malformed("space expected") }
    skipSpaces()
  }

  private mutating func expect(_ byte: UInt8) throws {
    guard peek() == byte else {
      throw malformed("\"\(Character(Unicode.Scalar(byte)))\" expected")
    }
    index += 1
  }

  private mutating func expectLineEnd() throws {
    skipSpaces()
    if peek() == UInt8(ascii: "\r") { index += 1 }
    guard peek() == UInt8(ascii: "\n") || peek() == nil else {
      throw malformed("line end expected")
    }
    index = bytes.endIndex
  }

  private func malformed(_ reason: String) -> KithError {
    let offset = index - bytes.startIndex
    // Only the start of the first line is kept, because literals may contain message text.
    let firstLine = bytes.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
    let preview = String(decoding: firstLine.prefix(80), as: UTF8.self)
    return KithError(
      .serverResponse, "Invalid IMAP response from the server: \(reason) at byte \(offset).",
      cause: preview)
  }
}
