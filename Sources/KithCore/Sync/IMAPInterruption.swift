import CCurl
import Foundation

/// Ends one connection's connect, login and waits for the server from another thread, so
/// that a stopped sync pass does not wait for a silent server up to the connection timeout.
///
/// `interrupt()` shuts down the sockets libcurl has open, which ends a connect or TLS
/// handshake in progress, and wakes a pipe that every later wait of the connection watches.
/// The connection then throws `CancellationError`. Thread safety: `interrupt()` may be
/// called from any thread, any number of times.
public final class IMAPInterruption: @unchecked Sendable {
  /// Becomes readable, for good, once `interrupt()` ran.
  let wakeUp: IMAPWakeUp
  /// The sockets of the connection's libcurl handle; see `kith_socket_slot` in the shim.
  let sockets: UnsafeMutablePointer<kith_socket_slot>
  private let lock = NSLock()
  private var interrupted = false

  /// - Throws: `KithError` with `.configuration` when the process is out of file descriptors
  ///   or memory.
  public init() throws {
    wakeUp = try IMAPWakeUp()
    guard let sockets = kith_socket_slot_new() else {
      throw KithError(.configuration, "Allocating a connection's socket list failed: the process may be out of memory.")
    }
    self.sockets = sockets
  }

  deinit {
    kith_socket_slot_free(sockets)
  }

  /// Whether `interrupt()` ran.
  public var isInterrupted: Bool { lock.withLock { interrupted } }

  /// Ends the connect or login in progress and every later wait of the connection.
  public func interrupt() {
    lock.withLock { interrupted = true }
    wakeUp.wakeUp()
    kith_socket_slot_interrupt(sockets)
  }
}
