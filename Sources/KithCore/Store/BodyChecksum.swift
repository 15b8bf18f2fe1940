/// A 64-bit checksum of a stored message body, kept next to the body's place in a body file
/// so that a read notices bytes that never reached the disk or were changed later.
///
/// Not cryptographic. Stores keep its values, so the algorithm must not change. Four lanes
/// each take one 8-byte little-endian word of every 32-byte block with a multiply, a rotate
/// and a second multiply. Then the lanes, the remaining words and bytes and the length are
/// mixed. It reads whole words rather than bytes, because a first sync checksums every body.
enum BodyChecksum {
  private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
  private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
  private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63

  static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let count = bytes.count
    guard let base = bytes.baseAddress else { return mix(UInt64(0) &+ prime3) }
    var offset = 0
    var hash: UInt64
    if count >= 32 {
      var lane0 = prime1 &+ prime2
      var lane1 = prime2
      var lane2: UInt64 = 0
      var lane3: UInt64 = 0 &- prime1
      while offset + 32 <= count {
        lane0 = round(lane0, word(base, offset))
        lane1 = round(lane1, word(base, offset + 8))
        lane2 = round(lane2, word(base, offset + 16))
        lane3 = round(lane3, word(base, offset + 24))
        offset += 32
      }
      hash = rotate(lane0, 1) &+ rotate(lane1, 7) &+ rotate(lane2, 12) &+ rotate(lane3, 18)
      for lane in [lane0, lane1, lane2, lane3] {
        hash = (hash ^ round(0, lane)) &* prime1 &+ prime4
      }
    } else {
      hash = prime3
    }
    hash = hash &+ UInt64(count)
    while offset + 8 <= count {
      hash = rotate(hash ^ round(0, word(base, offset)), 27) &* prime1 &+ prime4
      offset += 8
    }
    while offset < count {
      hash = rotate(hash ^ (UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime3), 11) &* prime1
      offset += 1
    }
    return mix(hash)
  }

  private static func word(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
    UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  private static func round(_ lane: UInt64, _ input: UInt64) -> UInt64 {
    rotate(lane &+ input &* prime2, 31) &* prime1
  }

  private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
    (value << bits) | (value >> (64 - bits))
  }

  /// Spreads every input bit over the whole result.
  private static func mix(_ value: UInt64) -> UInt64 {
    var hash = value
    hash ^= hash >> 33
    hash = hash &* prime2
    hash ^= hash >> 29
    hash = hash &* prime3
    hash ^= hash >> 32
    return hash
  }
}
