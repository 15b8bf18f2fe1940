/// The selected row of a list and the first row shown, kept inside the list's bounds.
struct ListCursor: Hashable {
  private(set) var selected = 0
  /// The index of the first row drawn.
  private(set) var top = 0
  var count = 0 {
    didSet { clamp() }
  }

  init(count: Int = 0) {
    self.count = count
  }

  /// Moves the selection by `delta` rows, stopping at either end; returns whether it moved.
  @discardableResult
  mutating func move(by delta: Int) -> Bool {
    select(selected + delta)
  }

  /// Selects row `index`, clamped to the list; returns whether the selection changed.
  @discardableResult
  mutating func select(_ index: Int) -> Bool {
    let old = selected
    selected = index
    clamp()
    return selected != old
  }

  /// Scrolls as little as possible so the selected row is among `visibleRows` shown rows.
  mutating func scrollToSelection(visibleRows: Int) {
    guard visibleRows > 0 else { return }
    if selected < top {
      top = selected
    } else if selected >= top + visibleRows {
      top = selected - visibleRows + 1
    }
    top = max(0, min(top, max(0, count - visibleRows)))
  }

  private mutating func clamp() {
    selected = count == 0 ? 0 : max(0, min(selected, count - 1))
    top = max(0, min(top, selected))
  }
}
