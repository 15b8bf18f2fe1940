import CGMime
import Foundation

/// Converts text/enriched (RFC 1896) and its predecessor text/richtext to plain text.
enum EnrichedText {
  /// Converts enriched text to HTML with GMime's filter, then to plain text.
  static func text(fromEnriched text: String, isRichtext: Bool) -> String {
    GMimeRuntime.ensureInitialized()
    let utf8 = Array(text.utf8)
    let array = utf8.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        kith_gmime_enriched_to_html($0.baseAddress, $0.count, isRichtext ? 1 : 0)
      }
    }
    let html = GMimeRuntime.takeBytes(array).map { String(decoding: $0, as: UTF8.self) } ?? ""
    return HTMLText.text(fromHTML: html)
  }
}
