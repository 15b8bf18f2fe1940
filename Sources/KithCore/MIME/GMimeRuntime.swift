import CGMime
import Foundation

/// The process-wide GMime setup and helpers for moving values between GMime and Swift.
enum GMimeRuntime {
  /// The result of running g_mime_init once. Swift initializes static constants lazily and
  /// atomically (with swift_once), so the first access from any thread runs it.
  private static let initialized: Bool = {
    g_mime_init()
    return true
  }()

  /// Makes sure GMime is initialized before the caller uses it.
  static func ensureInitialized() {
    _ = initialized
  }

  /// Runs `body` with fresh parser options and frees them afterwards.
  ///
  /// Options are made per call because GMime reads them while it parses and Kith parses on
  /// several threads at once.
  static func withParserOptions<T>(_ body: (OpaquePointer) -> T) -> T {
    ensureInitialized()
    let options = kith_gmime_make_parser_options()!
    defer { g_mime_parser_options_free(options) }
    return body(options)
  }

  /// Returns a Swift string for a C string that GMime owns, or nil for NULL.
  static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
  }

  /// Returns a Swift string for a C string that the caller owns, and frees it with g_free.
  static func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    defer { g_free(pointer) }
    return string(pointer)
  }

  /// Copies a GByteArray into Data and frees the array.
  static func takeBytes(_ array: UnsafeMutablePointer<GByteArray>?) -> Data? {
    guard let array else { return nil }
    defer { g_byte_array_free(array, 1) }
    guard let bytes = array.pointee.data, array.pointee.len > 0 else { return Data() }
    return Data(bytes: bytes, count: Int(array.pointee.len))
  }

  /// Runs `body` on the bytes of a GByteArray, or on no bytes for NULL, and frees the array
  /// afterwards. The bytes are valid only inside `body`.
  static func withBytes<T>(
    _ array: UnsafeMutablePointer<GByteArray>?, _ body: (UnsafeRawBufferPointer) -> T
  ) -> T {
    guard let array else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    defer { g_byte_array_free(array, 1) }
    return body(UnsafeRawBufferPointer(start: array.pointee.data, count: Int(array.pointee.len)))
  }

  /// Reinterprets a pointer to one GObject type as a pointer to another, as GMime's cast
  /// macros do after their (here omitted) run-time type check.
  static func cast<From, To>(_ pointer: UnsafeMutablePointer<From>, to type: To.Type)
    -> UnsafeMutablePointer<To>
  {
    UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: To.self)
  }
}
