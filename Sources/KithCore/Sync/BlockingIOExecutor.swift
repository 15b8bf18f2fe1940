import Dispatch

/// A serial executor backed by its own dispatch queue, for actors that make blocking calls.
///
/// IMAP I/O blocks in `poll()` for up to the connection timeout. Running it on the
/// cooperative thread pool, which has about one thread per core, could stall unrelated tasks,
/// so each sync actor runs its jobs on this queue instead.
final class BlockingIOExecutor: SerialExecutor, @unchecked Sendable {
  let queue: DispatchQueue

  init(label: String) {
    queue = DispatchQueue(label: label)
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedSerialExecutor()
    queue.async { job.runSynchronously(on: executor) }
  }
}
