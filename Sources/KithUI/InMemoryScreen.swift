import KithCore

/// A screen kept in memory, for tests: a grid of cells laid out with `TerminalText` widths,
/// the way a terminal would, and a queue of keys to read.
public final class InMemoryScreen: Screen {
  /// One cell: the grapheme cluster drawn there and its style. A wide character fills its
  /// first cell and leaves the next one as a continuation with empty text.
  public struct Cell: Hashable, Sendable {
    public var text: String
    public var style: StyleRole
    public var isContinuation: Bool { text.isEmpty }

    static let blank = Cell(text: " ", style: .text)
  }

  public private(set) var size: ScreenSize
  public private(set) var cells: [[Cell]]
  /// How many times `refresh` ran.
  public private(set) var refreshCount = 0
  private var pendingEvents: [InputEvent] = []

  public init(rows: Int, columns: Int) {
    size = ScreenSize(rows: rows, columns: columns)
    cells = Array(repeating: Array(repeating: .blank, count: columns), count: rows)
  }

  // MARK: Input

  /// Queues keys that `readEvent` returns one by one; after the last, it returns `.endOfInput`.
  public func enqueue(_ keys: [Key]) {
    pendingEvents += keys.map { .key($0) }
  }

  /// Queues one event of any kind.
  public func enqueue(event: InputEvent) {
    pendingEvents.append(event)
  }

  /// Resizes the grid, clears it, and queues a `.resize` event as a terminal would.
  public func resize(rows: Int, columns: Int) {
    size = ScreenSize(rows: rows, columns: columns)
    cells = Array(repeating: Array(repeating: .blank, count: columns), count: rows)
    pendingEvents.append(.resize)
  }

  public func readEvent(timeoutMilliseconds: Int) -> InputEvent {
    if pendingEvents.isEmpty {
      return .endOfInput
    }
    return pendingEvents.removeFirst()
  }

  // MARK: Output

  public func clear() {
    cells = Array(repeating: Array(repeating: .blank, count: size.columns), count: size.rows)
  }

  public func refresh() {
    refreshCount += 1
  }

  public func draw(_ text: String, row: Int, column: Int, style: StyleRole) {
    guard (0..<size.rows).contains(row), column >= 0 else { return }
    var position = column
    for character in text {
      let width = TerminalText.width(of: character)
      if width == 0 {
        // Curses would attach a zero-width cluster to the previous cell; it draws nothing.
        continue
      }
      if position + width > size.columns {
        break
      }
      put(Cell(text: String(character), style: style), row: row, column: position)
      if width == 2 {
        put(Cell(text: "", style: style), row: row, column: position + 1)
      }
      position += width
    }
  }

  /// Writes one cell and blanks the other half of any wide character it cuts in two.
  private func put(_ cell: Cell, row: Int, column: Int) {
    let old = cells[row][column]
    if old.isContinuation, !cell.isContinuation, column > 0 {
      cells[row][column - 1] = .blank
    }
    if !old.isContinuation, column + 1 < size.columns, cells[row][column + 1].isContinuation {
      cells[row][column + 1] = .blank
    }
    cells[row][column] = cell
  }

  // MARK: Inspection

  /// Returns one row as text, trailing blanks removed.
  public func line(_ row: Int) -> String {
    var text = cells[row].map(\.text).joined()
    while text.hasSuffix(" ") {
      text.removeLast()
    }
    return text
  }

  /// Returns every row, trailing blanks removed, joined by newlines.
  public func text() -> String {
    (0..<size.rows).map(line).joined(separator: "\n")
  }

  /// Returns the style of the cell at `row`, `column`.
  public func style(row: Int, column: Int) -> StyleRole {
    cells[row][column].style
  }

  /// Returns the number of the first row that contains `needle`, or nil.
  public func row(containing needle: String) -> Int? {
    (0..<size.rows).first { line($0).contains(needle) }
  }

  /// Returns the width in cells that row `row` takes up to its last non-blank cell,
  /// counting a wide character as two.
  public func usedWidth(ofRow row: Int) -> Int {
    var last = -1
    for (column, cell) in cells[row].enumerated() where cell.text != " " {
      last = column
    }
    return last + 1
  }
}
