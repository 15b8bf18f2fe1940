import Foundation

/// Delays between reconnection attempts: capped exponential growth with random jitter.
///
/// The first delay is `initial`, each later one doubles up to `maximum`, and each is spread
/// by up to `jitter` times its value either way, so that clients cut off together do not
/// reconnect together.
public struct Backoff: Sendable {
  /// The first delay, in seconds.
  public var initial: TimeInterval
  /// The cap on the delay before jitter, in seconds.
  public var maximum: TimeInterval
  /// The fraction of a delay, from 0 to 1, by which jitter may lengthen or shorten it.
  public var jitter: Double
  /// The count of delays handed out since the last `reset()`.
  public private(set) var attempts = 0

  public init(initial: TimeInterval = 1, maximum: TimeInterval = 300, jitter: Double = 0.2) {
    self.initial = initial
    self.maximum = maximum
    self.jitter = min(max(jitter, 0), 1)
  }

  /// Returns the delay before the next attempt, in seconds, and counts the attempt.
  ///
  /// - Parameter random: returns a value in 0...1; the default uses the system generator.
  public mutating func nextDelay(random: () -> Double = { Double.random(in: 0...1) }) -> TimeInterval {
    // Limiting the exponent keeps pow() finite however many attempts fail, and `maximum`
    // caps the delay long before that limit matters.
    let exponent = Double(min(attempts, 62))
    attempts += 1
    let base = min(maximum, initial * pow(2, exponent))
    let spread = base * jitter * (random() * 2 - 1)
    return max(0, base + spread)
  }

  /// Starts over at `initial`, after a successful connection.
  public mutating func reset() {
    attempts = 0
  }
}
