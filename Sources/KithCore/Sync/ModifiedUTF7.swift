import Foundation

/// The mailbox name encoding of IMAP4rev1 (RFC 3501, section 5.1.3): printable ASCII stands for
/// itself, `&` is written `&-`, and other text is UTF-16 in base64 with `,` for `/`, between
/// `&` and `-`.
public enum ModifiedUTF7 {
  /// Encodes a Unicode mailbox name for use in IMAP commands.
  public static func encode(_ name: String) -> String {
    var result = ""
    var pending: [UInt16] = []

    func flush() {
      guard !pending.isEmpty else { return }
      let bytes = pending.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
      let base64 = Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "/", with: ",")
        .replacingOccurrences(of: "=", with: "")
      result += "&\(base64)-"
      pending = []
    }

    for scalar in name.unicodeScalars {
      if (0x20...0x7E).contains(scalar.value) {
        flush()
        result += scalar == "&" ? "&-" : String(scalar)
      } else {
        pending += String(scalar).utf16
      }
    }
    flush()
    return result
  }

  /// Decodes a mailbox name as the server sent it, or returns nil when it is not valid
  /// modified UTF-7 (some servers send raw UTF-8 names instead).
  public static func decode(_ encoded: String) -> String? {
    var result = ""
    var remainder = Substring(encoded)
    while let ampersand = remainder.firstIndex(of: "&") {
      let plain = remainder[..<ampersand]
      guard plain.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else { return nil }
      result += plain

      let afterAmpersand = remainder[remainder.index(after: ampersand)...]
      guard let dash = afterAmpersand.firstIndex(of: "-") else { return nil }
      let shifted = afterAmpersand[..<dash]
      if shifted.isEmpty {
        result += "&"
      } else {
        guard let text = decodeShifted(shifted) else { return nil }
        result += text
      }
      remainder = afterAmpersand[afterAmpersand.index(after: dash)...]
    }
    guard remainder.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else { return nil }
    return result + remainder
  }

  private static func decodeShifted(_ shifted: Substring) -> String? {
    var base64 = shifted.replacingOccurrences(of: ",", with: "/")
    guard !base64.contains("=") else { return nil }
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    guard let data = Data(base64Encoded: base64), data.count % 2 == 0 else { return nil }

    let units = stride(from: 0, to: data.count, by: 2).map { index in
      UInt16(data[data.startIndex + index]) << 8 | UInt16(data[data.startIndex + index + 1])
    }
    var text = ""
    var iterator = units.makeIterator()
    var decoder = UTF16()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
      case .emptyInput: return text
      case .error: return nil
      }
    }
  }
}

extension IMAPMailbox {
  /// The name decoded from modified UTF-7 for display, or the raw name when it does not
  /// decode.
  public var displayName: String {
    ModifiedUTF7.decode(name) ?? name
  }
}
