import Foundation
import Testing

@testable import KithCore

#if canImport(Glibc)
  import Glibc
#endif

/// A TCP socket on 127.0.0.1 that accepts connections in the kernel but never sends a byte,
/// like a server that hangs before its greeting.
private final class SilentListener {
  let descriptor: Int32
  let port: Int

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 4) == 0 else {
      close(descriptor)
      throw KithError(.network, "Binding a test listener on 127.0.0.1 failed.")
    }

    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(descriptor, $0, &length)
      }
    }
    self.descriptor = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit {
    close(descriptor)
  }
}

@Test func silentServerTimesOut() throws {
  let listener = try SilentListener()
  let options = IMAPConnectionOptions(
    host: "127.0.0.1", port: listener.port, security: .tls, login: "u", password: "p",
    timeout: 1)

  let started = Date()
  do {
    _ = try IMAPConnection(options: options)
    Issue.record("a server that sends nothing was accepted")
  } catch let error as KithError {
    #expect(error.code == .network)
    #expect(error.message == "The connection to 127.0.0.1:\(listener.port) timed out: check the port and the security setting (tls or starttls).")
  }
  #expect(Date().timeIntervalSince(started) < 10)
}
