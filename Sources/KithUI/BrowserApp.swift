import Foundation
import KithCore

/// The mail browser: contacts, the selected contact's threads and the selected thread's
/// messages, with a status line and a help screen.
///
/// The app reads data only through `MailBrowsing` and draws only through `Screen`. It is not
/// thread-safe: create it, call `run()` or `handle(_:)`, and draw on one thread.
public final class BrowserApp {
  let data: MailBrowsing
  let screen: Screen
  let keymap: Keymap
  let statusProvider: () -> String
  let logger = Logger(label: "kith.ui")

  public internal(set) var focus = BrowserPane.contacts
  public internal(set) var isShowingHelp = false
  public internal(set) var isFinished = false
  /// Whether older messages of a thread show their bodies; by default only the newest does.
  public internal(set) var isExpandingAll = false

  private(set) var contacts: [ContactSummary] = []
  private(set) var threads: [ThreadSummary] = []
  private(set) var messages: [MessageDetail] = []
  var contactCursor = ListCursor()
  var threadCursor = ListCursor()
  var helpCursor = ListCursor()
  /// The first message-pane line shown.
  var messageScroll = 0
  /// The largest useful `messageScroll`, computed at the last draw from the pane's size.
  var messageScrollLimit = Int.max / 2
  /// The wrapped message-pane lines of the last draw, reused while the messages, the pane
  /// width and `isExpandingAll` stay the same, because wrapping a long body every second
  /// would keep a core busy.
  var messageLinesCache: (width: Int, expandAll: Bool, lines: [StyledLine])?
  /// The last problem met while loading data, shown in the status line until the next load.
  private(set) var errorMessage: String?

  /// The time zone of every date on screen; the system's by default.
  public var timeZone = TimeZone.current {
    didSet {
      dates = DateText(timeZone: timeZone)
      messageLinesCache = nil
    }
  }
  var dates = DateText()
  /// The clock that decides whether a date is today; tests replace it.
  var now: () -> Date = { Date() }
  /// Returns the folder that the save prompt starts in.
  public var defaultSaveFolder: () -> URL = { AttachmentSaving.defaultFolder() }
  /// The question shown in the status line while the user answers it, such as a save path.
  var prompt: BrowserPrompt?
  /// A one-line result, such as "Saved …", shown in the status line until the next key.
  var notice: StatusNotice?

  /// Creates a browser.
  ///
  /// - Parameter status: returns the text for the left of the status line, such as each
  ///   account's sync state. The app calls it on every redraw.
  public init(
    data: MailBrowsing, screen: Screen, keymap: Keymap = .standard,
    status: @escaping () -> String = { "" }
  ) {
    self.data = data
    self.screen = screen
    self.keymap = keymap
    self.statusProvider = status
  }

  /// Loads the contacts, then draws and handles input until the user quits or input ends.
  public func run() {
    reloadData()
    draw()
    while !isFinished {
      // The timeout lets the status line follow sync progress while no key is pressed.
      let event = screen.readEvent(timeoutMilliseconds: 1000)
      handle(event)
      if !isFinished {
        draw()
      }
    }
  }

  /// Reloads contacts, threads and messages, keeping the selected contact and thread when
  /// they still exist.
  public func reloadData() {
    let selectedContact = selectedContactSummary?.id
    let selectedThread = selectedThreadSummary?.id
    do {
      contacts = try data.contactSummaries()
      errorMessage = nil
    } catch {
      report(error, while: "load contacts")
      contacts = []
    }
    contactCursor.count = contacts.count
    if let index = contacts.firstIndex(where: { $0.id == selectedContact }) {
      contactCursor.select(index)
    }
    loadThreads(keeping: selectedThread)
  }

  // MARK: Selection

  var selectedContactSummary: ContactSummary? {
    contacts.indices.contains(contactCursor.selected) ? contacts[contactCursor.selected] : nil
  }

  var selectedThreadSummary: ThreadSummary? {
    threads.indices.contains(threadCursor.selected) ? threads[threadCursor.selected] : nil
  }

  /// Loads the threads of the selected contact and the messages of the selected thread.
  func loadThreads(keeping threadID: ThreadID? = nil) {
    threads = []
    if let contact = selectedContactSummary {
      do {
        threads = try data.threadSummaries(for: contact.id)
      } catch {
        report(error, while: "load threads", metadata: ["contact.id": "\(contact.id)"])
      }
    }
    threadCursor = ListCursor(count: threads.count)
    var keepsScroll = false
    if let index = threads.firstIndex(where: { $0.id == threadID }) {
      threadCursor.select(index)
      keepsScroll = true
    }
    loadMessages(keepingScroll: keepsScroll)
  }

  /// Loads the messages of the selected thread, scrolled to the top unless `keepingScroll`.
  func loadMessages(keepingScroll: Bool = false) {
    messages = []
    if !keepingScroll {
      messageScroll = 0
    }
    messageScrollLimit = Int.max / 2
    messageLinesCache = nil
    guard let thread = selectedThreadSummary else { return }
    do {
      messages = try data.messageDetails(in: thread.id)
    } catch {
      report(error, while: "load messages", metadata: ["thread.id": "\(thread.id)"])
    }
  }

  func report(_ error: Error, while action: String, metadata: Logger.Metadata = [:]) {
    let text = (error as? KithError)?.message ?? "\(error)"
    errorMessage = "Failed to \(action): \(text)"
    logger.error(
      "failed to \(action)", metadata: metadata.merging(["error": "\(error)"]) { old, _ in old })
  }
}
