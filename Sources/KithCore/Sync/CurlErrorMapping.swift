import CCurl

/// Turns libcurl result codes into `KithError`s with messages for the status line.
enum CurlErrorMapping {
  /// Maps `code` from connecting or logging in to `options`' server.
  ///
  /// `detail` is libcurl's error buffer, kept as the cause for the log and details view.
  static func error(for code: CURLcode, options: IMAPConnectionOptions, detail: String?)
    -> KithError
  {
    let server = "\(options.host):\(options.port)"
    let cause = [String(cString: curl_easy_strerror(code)), detail]
      .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")

    switch Int(code.rawValue) {
    case 67, 94:  // CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR
      return KithError(
        .authentication,
        "Login to \(options.host) failed: the server rejected the user name or password. Run kith account add again with the right password.",
        cause: cause)
    case 60, 83, 90, 91:  // PEER_FAILED_VERIFICATION, ISSUER_ERROR, PINNEDPUBKEY, CERTSTATUS
      return KithError(
        .tls, "The TLS certificate of \(server) is not trusted; check --ca-file.", cause: cause)
    case 77, 82:  // CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE
      return KithError(
        .tls, "The CA file \(options.caFile ?? "(system default)") cannot be read; check --ca-file.",
        cause: cause)
    case 64:  // CURLE_USE_SSL_FAILED
      return KithError(
        .tls, "\(server) does not offer STARTTLS; use implicit TLS (usually port 993).",
        cause: cause)
    case 35, 53, 54, 58, 59, 66, 80, 98:  // other TLS set-up and handshake failures
      return KithError(
        .tls,
        "The TLS handshake with \(server) failed; check the port, the security setting and --ca-file.",
        cause: cause)
    case 6:  // CURLE_COULDNT_RESOLVE_HOST
      return KithError(.network, "The IMAP host \(options.host) was not found.", cause: cause)
    case 7:  // CURLE_COULDNT_CONNECT
      return KithError(
        .network,
        "Connecting to \(server) failed: check the host and port, and that the server is running.",
        cause: cause)
    case 28:  // CURLE_OPERATION_TIMEDOUT
      // STARTTLS on an implicit-TLS port ends here: the client waits for a plain greeting and
      // the server for a TLS ClientHello, so neither speaks first.
      return KithError(
        .network,
        "The connection to \(server) timed out: check the port and the security setting (tls or starttls).",
        cause: cause)
    case 52, 55, 56:  // CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR
      return KithError(
        .network,
        "The connection to \(server) failed: the server closed it or the network dropped. The next sync resumes where this one stopped.",
        cause: cause)
    case 1, 3:  // CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT
      return KithError(.configuration, "The IMAP server address \(server) is invalid.", cause: cause)
    default:
      return KithError(.serverResponse, "The IMAP session with \(server) failed.", cause: cause)
    }
  }
}
