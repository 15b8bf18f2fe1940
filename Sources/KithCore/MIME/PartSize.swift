import CGMime

/// The decoded size of a MIME part's content, for the attachment list.
enum PartSize {
  /// Returns how many bytes decoding `part`'s content yields.
  // TODO: this decodes every attachment, about 5 % of a first sync's CPU time in a profile.
  // Sizing base64 from its length and outer lines was faster but wrong when the middle has
  // `=`, blank lines or a short line, and counting every symbol cost as much as decoding.
  static func decoded(_ part: UnsafeMutablePointer<GMimePart>) -> Int {
    kith_gmime_part_decoded_size(part)
  }
}
