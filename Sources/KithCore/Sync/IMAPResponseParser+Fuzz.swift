import Foundation

extension IMAPResponseParser {
  /// Feeds `data` to a new parser in two pieces and reads every response, for fuzzers such
  /// as `scripts/fuzz-imap`. Any input must end without a crash or a hang; errors are part of
  /// normal operation.
  ///
  /// The first byte picks where the input is split, so that framing across `feed` calls is
  /// exercised too. The 64 KiB response limit keeps the size check reachable.
  /// - Returns: the count of decoded responses.
  @discardableResult
  public static func fuzz(data: [UInt8]) -> Int {
    var parser = IMAPResponseParser(maximumResponseSize: 64 * 1024)
    let split = data.isEmpty ? 0 : Int(data[0]) % (data.count + 1)
    var decoded = 0
    for piece in [data[..<split], data[split...]] {
      parser.feed(piece)
      while true {
        do {
          guard try parser.next() != nil else { break }
          decoded += 1
        } catch {
          // A malformed response is skipped, and the parser goes on unless it has failed.
          if parser.hasFailed { return decoded }
        }
      }
    }
    return decoded
  }
}
