import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A pipe that ends an `IMAPClient.idle` wait early from another thread or task.
///
/// Thread safety: `wakeUp()` may be called from any thread. The reading side belongs to the
/// client that waits.
public final class IMAPWakeUp: @unchecked Sendable {
  /// The descriptor that `poll()` watches; it becomes readable after `wakeUp()`.
  let readDescriptor: Int32
  private let writeDescriptor: Int32

  /// Creates the pipe.
  ///
  /// - Throws: `KithError` with `.configuration` when the process is out of file descriptors.
  public init() throws {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else {
      throw KithError(.configuration, "Creating a wake-up pipe failed: the process may be out of file descriptors.")
    }
    readDescriptor = descriptors[0]
    writeDescriptor = descriptors[1]
    for descriptor in descriptors {
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }
  }

  deinit {
    close(readDescriptor)
    close(writeDescriptor)
  }

  /// Ends the current or the next wait. Several calls before a wait end only that one wait.
  public func wakeUp() {
    var byte: UInt8 = 1
    // A full pipe already contains a pending wake-up, so a failed write loses nothing.
    _ = write(writeDescriptor, &byte, 1)
  }

  /// Empties the pipe after a wait ended, so the next wait blocks again.
  func drain() {
    var buffer = [UInt8](repeating: 0, count: 64)
    while read(readDescriptor, &buffer, buffer.count) > 0 {}
  }
}
