import CLibXML2

/// A data table from HTML, laid out as rows of aligned columns.
///
/// Only tables without nested tables qualify: mail newsletters nest tables for layout,
/// and those read better as plain blocks than as columns.
struct HTMLTable {
  private var rows: [[String]] = []

  /// The widest cell, in characters, that still gets column layout; wider tables become one
  /// line per cell.
  private static let maximumAlignedCellWidth = 40

  /// Reads the table at `node`, or returns nil when it contains another table.
  init?(_ node: xmlNodePtr, links: HTMLLinkList) {
    var rowNodes: [xmlNodePtr] = []
    var next = node.pointee.children
    while let current = next {
      var descend = false
      if current.pointee.type == XML_ELEMENT_NODE {
        switch HTMLTextConverter.name(of: current) {
        case "table": return nil
        case "tr": rowNodes.append(current)
        case "thead", "tbody", "tfoot": descend = true
        default: break
        }
      }
      if descend, let child = current.pointee.children {
        next = child
        continue
      }
      next = Self.nextNode(after: current, within: node)
    }
    if Self.containsTable(node) { return nil }

    for row in rowNodes {
      var cells: [String] = []
      var cell = row.pointee.children
      while let current = cell {
        let name = HTMLTextConverter.name(of: current)
        if current.pointee.type == XML_ELEMENT_NODE && (name == "td" || name == "th") {
          var converter = HTMLTextConverter(links: links)
          converter.render(childrenOf: current)
          cells.append(converter.finish())
        }
        cell = current.pointee.next
      }
      if cells.contains(where: { !$0.isEmpty }) { rows.append(cells) }
    }
  }

  /// Returns the table's lines: columns padded to a common width when every cell is short
  /// and on one line, else each cell's lines in turn.
  func renderedLines() -> [String] {
    let columnCount = rows.map(\.count).max() ?? 0
    let isAligned =
      columnCount > 1
      && rows.allSatisfy { row in
        row.allSatisfy { !$0.contains("\n") && $0.count <= Self.maximumAlignedCellWidth }
      }
    guard isAligned else {
      return rows.flatMap { row in
        row.filter { !$0.isEmpty }.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
      }
    }

    var widths = [Int](repeating: 0, count: columnCount)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
      var line = ""
      for (index, cell) in row.enumerated() {
        line += cell
        if index < row.count - 1 {
          line += String(repeating: " ", count: widths[index] - cell.count + 2)
        }
      }
      return line
    }
  }

  private static func containsTable(_ root: xmlNodePtr) -> Bool {
    var next = root.pointee.children
    while let current = next {
      if current.pointee.type == XML_ELEMENT_NODE && HTMLTextConverter.name(of: current) == "table" {
        return true
      }
      if let child = current.pointee.children {
        next = child
        continue
      }
      next = nextNode(after: current, within: root)
    }
    return false
  }

  /// Returns the node after `node` in document order, skipping its children, without
  /// leaving the subtree of `root`.
  private static func nextNode(after node: xmlNodePtr, within root: xmlNodePtr) -> xmlNodePtr? {
    var cursor = node
    while true {
      if let sibling = cursor.pointee.next { return sibling }
      guard let parent = cursor.pointee.parent, parent != root else { return nil }
      cursor = parent
    }
  }
}
