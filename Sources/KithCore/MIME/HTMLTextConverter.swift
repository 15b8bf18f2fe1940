import CLibXML2

/// Walks a libxml2 HTML tree and writes its text into a `TextLayout`.
struct HTMLTextConverter {
  private enum Step {
    case descend
    case skip
  }

  private struct ListLevel {
    var isOrdered: Bool
    var counter: Int
    /// The indent of this list's markers, restored when the list ends.
    var itemIndent: String
  }

  private struct OpenLink {
    var target: String?
    var text = ""
  }

  private var layout = TextLayout()
  private let links: HTMLLinkList
  private var lists: [ListLevel] = []
  private var openLinks: [OpenLink] = []
  private var preformattedDepth = 0

  /// Elements whose content is never shown.
  private static let hiddenElements: Set<String> = [
    "script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe",
    "select", "option", "map",
  ]

  /// Elements that start and end on their own line.
  private static let lineBlocks: Set<String> = [
    "div", "li", "dt", "dd", "tr", "td", "th", "caption", "section", "article", "header",
    "footer", "nav", "aside", "main", "address", "form", "fieldset", "figure", "figcaption",
    "center", "tbody", "thead", "tfoot",
  ]

  /// Elements that are separated from their neighbours by an empty line.
  private static let paragraphBlocks: Set<String> = [
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre", "table",
    "hr",
  ]

  init(links: HTMLLinkList) {
    self.links = links
  }

  /// Renders the children of `root`, and their descendants, in document order.
  mutating func render(childrenOf root: xmlNodePtr) {
    var next = root.pointee.children
    while let node = next {
      if enter(node) == .descend {
        if let child = node.pointee.children {
          next = child
          continue
        }
        leave(node)
      }
      next = nil
      var cursor = node
      while true {
        if let sibling = cursor.pointee.next {
          next = sibling
          break
        }
        guard let parent = cursor.pointee.parent, parent != root else { break }
        leave(parent)
        cursor = parent
      }
    }
  }

  /// Returns the text written so far.
  mutating func finish() -> String {
    layout.finish()
  }

  private mutating func enter(_ node: xmlNodePtr) -> Step {
    switch node.pointee.type {
    case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
      appendText(Self.content(of: node))
      return .skip
    case XML_ELEMENT_NODE:
      return enterElement(node, name: Self.name(of: node))
    default:
      return .skip
    }
  }

  private mutating func enterElement(_ node: xmlNodePtr, name: String) -> Step {
    if Self.hiddenElements.contains(name) { return .skip }
    if Self.isNestedList(name, lists) {
      layout.endBlock(blank: false)
    } else if Self.paragraphBlocks.contains(name) {
      layout.endBlock(blank: true)
    } else if Self.lineBlocks.contains(name) {
      layout.endBlock(blank: false)
    }

    switch name {
    case "br":
      layout.lineBreak()
    case "hr":
      layout.appendWords("----------")
    case "ul", "ol", "menu":
      let start = Self.attribute("start", of: node).flatMap { Int($0) } ?? 1
      // A nested list's items line up with the text of the enclosing item.
      let itemIndent = lists.isEmpty ? layout.indent : layout.continuationIndent
      lists.append(ListLevel(isOrdered: name == "ol", counter: start, itemIndent: itemIndent))
    case "li":
      startListItem()
    case "blockquote":
      layout.quoteDepth += 1
    case "pre":
      preformattedDepth += 1
    case "a":
      openLinks.append(OpenLink(target: Self.linkTarget(of: node)))
    case "img":
      if !openLinks.isEmpty, let alt = Self.attribute("alt", of: node) { appendText(alt) }
    case "table":
      if let table = HTMLTable(node, links: links) {
        layout.endBlock(blank: true)
        for line in table.renderedLines() { layout.appendPreformatted(line); layout.lineBreak() }
        layout.endBlock(blank: true)
        return .skip
      }
    default:
      break
    }
    return .descend
  }

  private mutating func leave(_ node: xmlNodePtr) {
    guard node.pointee.type == XML_ELEMENT_NODE else { return }
    let name = Self.name(of: node)

    switch name {
    case "ul", "ol", "menu":
      if let level = lists.popLast() {
        if !lists.isEmpty {
          layout.endBlock(blank: false)
          layout.indent = level.itemIndent
          layout.continuationIndent = level.itemIndent
          layout.pendingBullet = nil
          return
        }
        layout.indent = level.itemIndent
        layout.continuationIndent = level.itemIndent
        layout.pendingBullet = nil
      }
    case "blockquote":
      layout.endBlock(blank: false)
      layout.quoteDepth = max(0, layout.quoteDepth - 1)
    case "pre":
      preformattedDepth = max(0, preformattedDepth - 1)
    case "a":
      finishLink()
    default:
      break
    }

    if Self.paragraphBlocks.contains(name) {
      layout.endBlock(blank: true)
    } else if Self.lineBlocks.contains(name) {
      layout.endBlock(blank: false)
    }
  }

  private static func isNestedList(_ name: String, _ lists: [ListLevel]) -> Bool {
    !lists.isEmpty && (name == "ul" || name == "ol" || name == "menu")
  }

  private mutating func startListItem() {
    guard !lists.isEmpty else {
      layout.pendingBullet = "- "
      layout.continuationIndent = layout.indent + "  "
      return
    }
    let index = lists.count - 1
    let bullet = lists[index].isOrdered ? "\(lists[index].counter). " : "- "
    lists[index].counter += 1
    layout.indent = lists[index].itemIndent
    layout.pendingBullet = bullet
    layout.continuationIndent = layout.indent + String(repeating: " ", count: bullet.count)
  }

  private mutating func appendText(_ text: String) {
    if preformattedDepth > 0 {
      layout.appendPreformatted(text)
    } else {
      layout.appendWords(text)
    }
    if !openLinks.isEmpty { openLinks[openLinks.count - 1].text += text }
  }

  /// Adds " [n]" after a link's text unless the text already shows the target. Links
  /// without text (images without alt text, tracking pixels) are left out.
  private mutating func finishLink() {
    guard let link = openLinks.popLast(), let target = link.target else { return }
    let linkText = link.text.trimmingWhitespaceAndNewlines()
    if linkText.isEmpty || Self.textShowsTarget(linkText, target) { return }
    let number = links.number(for: target)
    layout.appendWords(" [\(number)]")
  }

  private static func textShowsTarget(_ text: String, _ target: String) -> Bool {
    func strip(_ value: String) -> String {
      var result = value.lowercased()
      for prefix in ["mailto:", "https://", "http://", "www."] where result.hasPrefix(prefix) {
        result.removeFirst(prefix.count)
      }
      while result.hasSuffix("/") { result.removeLast() }
      return result
    }
    return !text.isEmpty && strip(text) == strip(target)
  }

  /// Returns the href of a link worth listing: not a fragment, script or empty target.
  private static func linkTarget(of node: xmlNodePtr) -> String? {
    guard let href = attribute("href", of: node)?.trimmingWhitespaceAndNewlines(),
      !href.isEmpty, !href.hasPrefix("#")
    else { return nil }
    if href.lowercased().hasPrefix("javascript:") { return nil }
    return href
  }

  static func name(of node: xmlNodePtr) -> String {
    guard let name = node.pointee.name else { return "" }
    return String(cString: name)
  }

  static func content(of node: xmlNodePtr) -> String {
    guard let content = node.pointee.content else { return "" }
    return String(cString: content)
  }

  /// Returns the value of the attribute `name` (lower case), read without allocating in C.
  static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
    var property = node.pointee.properties
    while let current = property {
      if let attributeName = current.pointee.name, String(cString: attributeName) == name {
        var value = ""
        var child = current.pointee.children
        while let text = child {
          if let content = text.pointee.content { value += String(cString: content) }
          child = text.pointee.next
        }
        return value
      }
      property = current.pointee.next
    }
    return nil
  }
}
