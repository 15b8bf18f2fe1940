import CCurl
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One logged-in IMAP connection: libcurl connects, does TLS and logs in, then Kith sends and
/// receives raw IMAP bytes over it.
///
/// libcurl runs with `CURLOPT_CONNECT_ONLY`, so it sends no IMAP command after login. Waits use
/// `poll()` on the socket, and every read first drains `curl_easy_recv` until `CURLE_AGAIN`,
/// because decrypted bytes can sit inside OpenSSL while the socket shows nothing to read.
///
/// Not `Sendable`: one task or actor owns a connection and uses it from one thread at a time.
/// Calls block the calling thread for up to `options.timeout` seconds per wait.
public final class IMAPConnection {
  public let options: IMAPConnectionOptions
  /// A number for log lines, unique within the process.
  public let id: Int

  private var handle: UnsafeMutableRawPointer?
  private let errorBuffer: UnsafeMutablePointer<CChar>
  private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
  /// Bytes read while a send waited, returned by the next `receive`.
  private var receivedWhileSending: [UInt8] = []
  /// Whether the server closed its side while bytes were still being returned.
  private var isPeerClosed = false
  private let logger: Logger

  private static let globalInit: CURLcode = kith_curl_global_init()
  private static let counter = ConnectionCounter()

  /// Connects to the server in `options` and logs in.
  ///
  /// - Parameter interruption: lets another thread end the connect, the login and every
  ///   later wait for the server.
  /// - Throws: `KithError` with `.authentication` when the server rejects the login, and `.tls`
  ///   when the certificate is not trusted or the TLS set-up fails. `.network` means the host
  ///   cannot be reached or the connection timed out, `.configuration` an invalid host or port.
  ///   `CancellationError` when `interruption` was interrupted.
  public init(options: IMAPConnectionOptions, interruption: IMAPInterruption? = nil) throws {
    self.options = options
    self.interruption = interruption
    self.id = Self.counter.next()
    var logger = Logger(label: "kith.imap")
    logger.metadata["imap.connection"] = String(id)
    self.logger = logger
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
      errorBuffer.deallocate()
      throw KithError(.configuration, "libcurl failed to initialize.")
    }
    self.handle = handle

    do {
      try configure(handle)
      let started = Date()
      let code = curl_easy_perform(handle)
      if code != CURLE_OK && interruption?.isInterrupted == true {
        throw CancellationError()
      }
      guard code == CURLE_OK else {
        throw CurlErrorMapping.error(for: code, options: options, detail: errorText())
      }
      logger.debug(
        "logged in",
        metadata: [
          "imap.server": options.description,
          "imap.milliseconds": String(Int(Date().timeIntervalSince(started) * 1000)),
        ])
    } catch {
      close()
      throw error
    }
  }

  deinit {
    close()
    errorBuffer.deallocate()
  }

  private func configure(_ handle: UnsafeMutableRawPointer) throws {
    let url = try options.makeURL()
    var results: [CURLcode] = [
      kith_curl_setopt_string(handle, CURLOPT_URL, url),
      kith_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "imap,imaps"),
      kith_curl_setopt_string(handle, CURLOPT_USERNAME, options.login),
      kith_curl_setopt_string(handle, CURLOPT_PASSWORD, options.password),
      kith_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1),
      kith_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1),
      kith_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2),
      kith_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
      kith_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
      kith_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds),
      // Bounds the whole connect, TLS and login phase. After it, poll() enforces the timeout.
      kith_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds * 2),
      kith_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
    ]
    if options.security == .starttls {
      results.append(kith_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
    }
    if let caFile = options.caFile {
      results.append(kith_curl_setopt_string(handle, CURLOPT_CAINFO, caFile))
    }
    if let interruption {
      results.append(kith_curl_use_socket_slot(handle, interruption.sockets))
    }
    if let failed = results.first(where: { $0 != CURLE_OK }) {
      throw CurlErrorMapping.error(for: failed, options: options, detail: errorText())
    }
  }

  private var timeoutMilliseconds: Int {
    max(1, Int(options.timeout * 1000))
  }

  private func errorText() -> String? {
    let text = String(cString: errorBuffer)
    return text.isEmpty ? nil : text
  }

  /// Closes the socket and frees the libcurl handle. Sends nothing: `IMAPClient.logout()`
  /// sends LOGOUT first. Calling it again does nothing.
  public func close() {
    guard let handle else { return }
    curl_easy_cleanup(handle)
    self.handle = nil
    logger.debug("closed")
  }

  /// Whether `close()` has run, or a failure closed the connection.
  public var isClosed: Bool { handle == nil }

  /// Once interrupted, ends every later wait for the socket with `CancellationError` and
  /// closes the connection, so that another thread can stop a pass that waits for a silent
  /// server.
  public let interruption: IMAPInterruption?

  // MARK: Sending

  /// Sends all of `bytes`, waiting while the socket is full.
  ///
  /// While waiting, incoming bytes are read and kept for the next `receive`, so that a server
  /// blocked on sending responses cannot deadlock a pipelined send.
  ///
  /// - Throws: `KithError` with `.network` when the connection fails, closes or times out.
  public func send(_ bytes: [UInt8]) throws {
    let handle = try openHandle()
    if options.wireTrace { traceSent(bytes) }

    var offset = 0
    while offset < bytes.count {
      var sent = 0
      let code = bytes.withUnsafeBytes { buffer in
        curl_easy_send(handle, buffer.baseAddress! + offset, buffer.count - offset, &sent)
      }
      if code == CURLE_OK {
        offset += sent
      } else if code == CURLE_AGAIN {
        try waitForSocket(writable: true)
      } else {
        throw failure(code)
      }
    }
  }

  // MARK: Receiving

  /// Returns the next bytes from the server, waiting until at least one byte arrives.
  ///
  /// Reads until libcurl reports `CURLE_AGAIN` or 1 MiB is collected.
  ///
  /// - Throws: `KithError` with `.network` when the server closes the connection, the
  ///   connection fails, or nothing arrives for `options.timeout` seconds.
  public func receive() throws -> [UInt8] {
    var collected = receivedWhileSending
    receivedWhileSending = []
    while true {
      let isDrained = try drain(into: &collected, limit: 1024 * 1024)
      if !collected.isEmpty {
        if options.wireTrace { logger.trace("received", metadata: ["imap.bytes": String(collected.count)]) }
        return collected
      }
      if isDrained && !isPeerClosed { try waitForSocket(writable: false) }
    }
  }

  /// Returns the bytes the server has sent so far, without waiting; empty when there are none.
  ///
  /// - Throws: `KithError` with `.network` when the server closed the connection or it failed.
  public func receiveAvailable() throws -> [UInt8] {
    var collected = receivedWhileSending
    receivedWhileSending = []
    _ = try drain(into: &collected, limit: 1024 * 1024)
    return collected
  }

  /// The reason `waitUntilReadable` returned.
  public enum WaitOutcome: Sendable {
    case readable
    case wokenUp
    case timedOut
  }

  /// Waits until the server sends bytes, `wakeUpDescriptor` becomes readable, or `timeout`
  /// seconds pass, without the connection's own timeout.
  ///
  /// Call it only after `receiveAvailable()` returned nothing: OpenSSL can hold decrypted
  /// bytes that `poll()` on the socket does not see.
  ///
  /// - Throws: `KithError` with `.network` when the connection is closed.
  public func waitUntilReadable(timeout: TimeInterval, wakeUpDescriptor: Int32?) throws
    -> WaitOutcome
  {
    if !receivedWhileSending.isEmpty { return .readable }
    let socket = try activeSocket()
    let deadline = Date().addingTimeInterval(timeout)
    var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
    if let wakeUpDescriptor {
      descriptors.append(pollfd(fd: wakeUpDescriptor, events: Int16(POLLIN), revents: 0))
    }

    while true {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { return .timedOut }
      let result = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: Int(remaining * 1000) + 1))
      if result < 0 && errno == EINTR { continue }
      guard result >= 0 else {
        throw KithError(.network, "Waiting for the IMAP server \(options.host):\(options.port) failed.")
      }
      if result == 0 { continue }
      if descriptors[0].revents != 0 { return .readable }
      return .wokenUp
    }
  }

  private func activeSocket() throws -> curl_socket_t {
    let handle = try openHandle()
    var socket: curl_socket_t = -1
    guard kith_curl_getinfo_socket(handle, &socket) == CURLE_OK, socket != -1 else {
      close()
      throw KithError(.network, "The connection to \(options.host):\(options.port) is closed.")
    }
    return socket
  }

  /// Reads into `collected` until `CURLE_AGAIN` (returns true) or `limit` bytes (returns false).
  private func drain(into collected: inout [UInt8], limit: Int) throws -> Bool {
    let handle = try openHandle()
    if isPeerClosed && collected.isEmpty {
      close()
      throw KithError(
        .network, "The IMAP server \(options.host):\(options.port) closed the connection.")
    }
    while collected.count < limit {
      var count = 0
      let code = readBuffer.withUnsafeMutableBytes { buffer in
        curl_easy_recv(handle, buffer.baseAddress, buffer.count, &count)
      }
      if code == CURLE_AGAIN { return true }
      guard code == CURLE_OK else { throw failure(code) }
      guard count > 0 else {
        // Bytes read before the end of the stream (a BYE and the LOGOUT completion) are
        // returned first, and the next read reports the closed connection.
        if !collected.isEmpty {
          isPeerClosed = true
          return true
        }
        close()
        throw KithError(
          .network, "The IMAP server \(options.host):\(options.port) closed the connection.")
      }
      collected.append(contentsOf: readBuffer[0..<count])
    }
    return false
  }

  /// Waits with `poll()` until the socket is readable (or writable), for at most the timeout.
  ///
  /// When waiting to write, a readable socket is drained into `receivedWhileSending`.
  private func waitForSocket(writable: Bool) throws {
    let socket = try activeSocket()

    let events = Int16(writable ? (POLLOUT | POLLIN) : POLLIN)
    var descriptors = [pollfd(fd: socket, events: events, revents: 0)]
    if let interruption {
      descriptors.append(pollfd(fd: interruption.wakeUp.readDescriptor, events: Int16(POLLIN), revents: 0))
    }
    let result = poll(&descriptors, nfds_t(descriptors.count), Int32(clamping: timeoutMilliseconds))
    if result < 0 && errno == EINTR { return }
    if descriptors.count > 1 && descriptors[1].revents != 0 {
      // The pipe is never drained, so every later wait ends here as well.
      close()
      throw CancellationError()
    }
    let descriptor = descriptors[0]
    guard result > 0 else {
      close()
      throw KithError(
        .network,
        "The IMAP server \(options.host):\(options.port) sent nothing for \(Int(options.timeout)) seconds; the connection timed out.")
    }
    if writable && descriptor.revents & Int16(POLLIN) != 0 {
      _ = try drain(into: &receivedWhileSending, limit: Int.max)
    }
  }

  private func openHandle() throws -> UnsafeMutableRawPointer {
    guard let handle else {
      throw KithError(.network, "The connection to \(options.host):\(options.port) is closed.")
    }
    return handle
  }

  private func failure(_ code: CURLcode) -> KithError {
    let error = CurlErrorMapping.error(for: code, options: options, detail: errorText())
    close()
    return KithError(.network, "The connection to \(options.host):\(options.port) failed.", cause: error.cause)
  }

  private func traceSent(_ bytes: [UInt8]) {
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\r\n") {
      logger.trace("sent", metadata: ["imap.line": String(line.prefix(300))])
    }
  }
}

/// A process-wide counter for connection ids.
private final class ConnectionCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func next() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}
