import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A TCP forwarder on 127.0.0.1 that closes both sides of a connection after the server
/// has sent a set count of bytes, to test how a client survives a cut network. With
/// `stallsInsteadOfCutting` it keeps the connection open and forwards nothing more from the
/// server, as a server that went silent.
///
/// Bytes pass through unchanged, so TLS works end to end: a certificate for IP 127.0.0.1
/// still verifies. Each accepted connection gets its own thread and its own byte count.
public final class CuttingProxy: @unchecked Sendable {
  /// The port the proxy listens on.
  public let port: Int
  private let targetPort: Int
  private let listener: Int32
  private let lock = NSLock()
  private var cutAfterBytes: Int?
  private let stallsInsteadOfCutting: Bool
  private var isStopped = false
  private var openDescriptors: Set<Int32> = []
  private var acceptedCount = 0
  private var cutCount = 0
  private var stallCount = 0

  /// Starts listening on a free port of 127.0.0.1 and forwards to `targetPort` there.
  ///
  /// - Parameters:
  ///   - cutAfterBytes: bytes from the server after which a connection is closed, or stalls;
  ///     nil forwards everything.
  ///   - stallsInsteadOfCutting: keep the connection open after those bytes, forwarding
  ///     nothing more from the server until the client closes it or `stop()`.
  public init(targetPort: Int, cutAfterBytes: Int?, stallsInsteadOfCutting: Bool = false) throws {
    self.targetPort = targetPort
    self.cutAfterBytes = cutAfterBytes
    self.stallsInsteadOfCutting = stallsInsteadOfCutting
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { throw Self.error("socket") }
    var address = Self.loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 16) == 0 else {
      close(listener)
      throw Self.error("bind or listen")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    self.listener = listener
    port = Int(UInt16(bigEndian: address.sin_port))
    let thread = Thread { [self] in acceptLoop() }
    thread.name = "kith.test.proxy"
    thread.start()
  }

  deinit { stop() }

  /// Changes the cut for connections accepted from now on; nil forwards everything.
  public func setCut(afterBytes: Int?) {
    lock.withLock { cutAfterBytes = afterBytes }
  }

  /// The count of connections accepted so far.
  public var connectionCount: Int { lock.withLock { acceptedCount } }

  /// The count of connections closed by the cut, not by either side.
  public var cutConnectionCount: Int { lock.withLock { cutCount } }

  /// The count of connections that reached the byte count in stalling mode.
  public var stalledConnectionCount: Int { lock.withLock { stallCount } }

  /// Stops accepting and closes every open connection; later calls do nothing.
  public func stop() {
    let descriptors: Set<Int32>? = lock.withLock {
      guard !isStopped else { return nil }
      isStopped = true
      return openDescriptors
    }
    guard let descriptors else { return }
    // shutdown wakes the threads blocked in accept or poll; each thread closes its own.
    shutdown(listener, Int32(SHUT_RDWR))
    for descriptor in descriptors {
      shutdown(descriptor, Int32(SHUT_RDWR))
    }
  }

  private func acceptLoop() {
    defer { close(listener) }
    while true {
      let client = accept(listener, nil, nil)
      if client < 0 {
        if errno == EINTR { continue }
        return
      }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = Self.loopback(port: targetPort)
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      let (limit, accepted) = lock.withLock { () -> (Int?, Bool) in
        guard !isStopped, connected == 0 else { return (nil, false) }
        acceptedCount += 1
        openDescriptors.formUnion([client, server])
        return (cutAfterBytes, true)
      }
      guard accepted else {
        close(client)
        close(server)
        continue
      }
      let thread = Thread { [self] in forward(client: client, server: server, limit: limit) }
      thread.name = "kith.test.proxy.connection"
      thread.start()
    }
  }

  /// Copies bytes both ways until either side closes or the server has sent `limit` bytes.
  private func forward(client: Int32, server: Int32, limit: Int?) {
    defer {
      lock.withLock { openDescriptors.subtract([client, server]) }
      close(client)
      close(server)
    }
    var fromServer = 0
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    var descriptors = [
      pollfd(fd: client, events: Int16(POLLIN), revents: 0),
      pollfd(fd: server, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      guard poll(&descriptors, 2, -1) > 0 else {
        if errno == EINTR { continue }
        return
      }
      for index in 0..<2 where descriptors[index].revents != 0 {
        let source = descriptors[index].fd
        let destination = index == 0 ? server : client
        var readLimit = buffer.count
        if index == 1, let limit {
          readLimit = min(readLimit, limit - fromServer)
        }
        let count = read(source, &buffer, readLimit)
        guard count > 0 else { return }
        guard writeAll(buffer, count: count, to: destination) else { return }
        if index == 1 {
          fromServer += count
          if let limit, fromServer >= limit {
            if stallsInsteadOfCutting {
              lock.withLock { stallCount += 1 }
              drainUntilClosed(client)
            } else {
              lock.withLock { cutCount += 1 }
            }
            return
          }
        }
      }
    }
  }

  /// Reads and drops what the client sends until it closes the connection or `stop()`
  /// shuts it down. Nothing goes to the server or comes back from it.
  private func drainUntilClosed(_ client: Int32) {
    var buffer = [UInt8](repeating: 0, count: 4096)
    var descriptor = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
    while true {
      guard poll(&descriptor, 1, -1) > 0 else {
        if errno == EINTR { continue }
        return
      }
      guard read(client, &buffer, buffer.count) > 0 else { return }
    }
  }

  private func writeAll(_ bytes: [UInt8], count: Int, to descriptor: Int32) -> Bool {
    var written = 0
    while written < count {
      let result = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, count - written) }
      if result < 0 && errno == EINTR { continue }
      guard result > 0 else { return false }
      written += result
    }
    return true
  }

  private static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  private static func error(_ call: String) -> Error {
    CuttingProxyError(message: "CuttingProxy: \(call) failed: \(String(cString: strerror(errno)))")
  }
}

/// A failure to set up a `CuttingProxy`.
public struct CuttingProxyError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}
