import Foundation

/// Plain-words descriptions of why a JSON settings file failed to decode, for error messages.
enum JSONFileProblem {
  /// Describes `error` from `JSONDecoder` as the place in the file and what was wrong there,
  /// such as `at accounts[0].imapPort, expected to decode Int but found a string instead`.
  ///
  /// - Parameter mayQuoteValues: whether the text may contain a value from the file. The
  ///   decoder quotes values for an unknown enum case and text for a JSON syntax error, so
  ///   pass false for a file that contains secrets.
  static func describe(_ error: Error, mayQuoteValues: Bool) -> String {
    guard let decodingError = error as? DecodingError else {
      return "it could not be read"
    }
    switch decodingError {
    case .typeMismatch(_, let context):
      // Foundation's text names the expected type and the JSON kind found, not the value.
      return "\(location(context.codingPath)), \(lowercasingFirst(context.debugDescription))"
    case .valueNotFound(let type, let context):
      return "\(location(context.codingPath)), the value is null but \(type) is expected"
    case .keyNotFound(let key, let context):
      return "\(location(context.codingPath)), the key \"\(key.stringValue)\" is missing"
    case .dataCorrupted(let context):
      return describeCorrupted(context, mayQuoteValues: mayQuoteValues)
    @unknown default:
      return "it could not be decoded"
    }
  }

  private static func describeCorrupted(
    _ context: DecodingError.Context, mayQuoteValues: Bool
  ) -> String {
    if context.codingPath.isEmpty {
      guard mayQuoteValues, let underlying = context.underlyingError else {
        return "it is not valid JSON"
      }
      return "it is not valid JSON (\(describeSyntaxError(underlying)))"
    }
    guard mayQuoteValues else {
      return "\(location(context.codingPath)), the value is invalid"
    }
    return "\(location(context.codingPath)), \(lowercasingFirst(context.debugDescription))"
  }

  /// Returns the parser's debug text, or the localized description when it has none.
  private static func describeSyntaxError(_ error: Error) -> String {
    let nsError = error as NSError
    if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String {
      return debug
    }
    return nsError.localizedDescription
  }

  /// Formats a coding path the way a reader finds it in the file: `accounts[0].imapPort`.
  private static func location(_ codingPath: [CodingKey]) -> String {
    guard !codingPath.isEmpty else { return "at the top level" }
    var path = ""
    for key in codingPath {
      if let index = key.intValue {
        path += "[\(index)]"
      } else {
        path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
      }
    }
    return "at \(path)"
  }

  private static func lowercasingFirst(_ text: String) -> String {
    guard let first = text.first else { return text }
    let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
    return first.lowercased() + trimmed.dropFirst()
  }
}
