import Foundation
import KithCore

/// Reads a file named on the command line.
///
/// With the Foundation of Swift 6.3 on Linux, `Data(contentsOf:)` failed with "permission
/// denied" on `/dev/stdin`, `/dev/null` and the `/dev/fd/N` paths that `<(command)` passes.
/// Plain `open` and `read` accept them.
enum InputFile {
  /// Returns the bytes of the file at `path`, reading to its end.
  ///
  /// - Throws: `KithError(.notFound)` naming the path and the reason: not found, a
  ///   directory, or the system's error text.
  static func read(_ path: String) throws -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw failure(path, errno)
    }
    defer { close(descriptor) }

    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
      if count == 0 { return data }
      if count < 0 {
        if errno == EINTR { continue }
        throw failure(path, errno)
      }
      data.append(contentsOf: buffer[0..<count])
    }
  }

  private static func failure(_ path: String, _ code: Int32) -> KithError {
    switch code {
    case ENOENT:
      return KithError(.notFound, "\(path) was not found: check the path.")
    case EISDIR:
      return KithError(.notFound, "\(path) is a directory: give the path of a file in it.")
    default:
      let reason = String(cString: strerror(code))
      return KithError(.notFound, "Reading \(path) failed: \(reason).")
    }
  }
}
