import CLibXML2
import Foundation

/// Converts HTML mail bodies to plain text for the message pane.
public enum HTMLText {
  private static let parserInitialized: Bool = {
    xmlInitParser()
    return true
  }()

  /// Converts `html` to plain text.
  ///
  /// Paragraphs and other blocks are separated by empty lines, `br` breaks lines, list items
  /// start with "- " or "1. ", block quotes with "> ", and simple tables become aligned rows.
  /// Each link with text that differs from its target is followed by a number like "[1]", and
  /// the targets are listed after the text. Scripts, styles and the head are dropped.
  /// The tree is walked without recursion, so deeply nested HTML cannot exhaust the stack.
  /// Thread-safe.
  ///
  /// libxml2 2.9 stops parsing at elements nested more than 256 deep. Such a document is
  /// shown with its tags stripped instead, followed by a note, so that no text is lost.
  public static func text(fromHTML html: String) -> String {
    _ = parserInitialized
    kith_libxml2_silence_errors()

    var utf8 = Array(html.utf8)
    guard !utf8.isEmpty, utf8.count < Int(Int32.max) else { return "" }
    utf8.append(0)
    var isTooDeep: Int32 = 0
    let document: htmlDocPtr? = utf8.withUnsafeBufferPointer { buffer in
      buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
        kith_libxml2_parse_html_checked($0, Int32(buffer.count - 1), &isTooDeep)
      }
    }
    if isTooDeep != 0 {
      if let document { xmlFreeDoc(document) }
      return HTMLTagStripper.text(fromHTML: html) + "\n\n" + tooDeepNote
    }
    guard let document else { return "" }
    defer { xmlFreeDoc(document) }

    // xmlDoc starts with the same fields as xmlNode up to `doc`, so the document can be the
    // root of a walk that only reads `children`, `next` and `parent`.
    let root = UnsafeMutableRawPointer(document).assumingMemoryBound(to: xmlNode.self)
    let links = HTMLLinkList()
    var converter = HTMLTextConverter(links: links)
    converter.render(childrenOf: root)
    var text = converter.finish()
    if text.isEmpty, let title = documentTitle(root) {
      // A page whose text sits entirely in an unclosed <title> would otherwise show nothing.
      var layout = TextLayout()
      layout.appendWords(title)
      text = layout.finish()
    }

    if !links.targets.isEmpty {
      let list = links.targets.enumerated().map { "[\($0.offset + 1)] \($0.element)" }
      text += (text.isEmpty ? "" : "\n\n") + list.joined(separator: "\n")
    }
    return text
  }

  /// The line that follows the text of HTML too deeply nested for the parser.
  static let tooDeepNote =
    "[Kith: this HTML nests deeper than the HTML parser allows, so it is shown with its tags removed.]"

  /// Returns the text of the first `title` element, found without recursion.
  private static func documentTitle(_ root: xmlNodePtr) -> String? {
    var next = root.pointee.children
    while let node = next {
      if node.pointee.type == XML_ELEMENT_NODE && HTMLTextConverter.name(of: node) == "title" {
        var text = ""
        var child = node.pointee.children
        while let current = child {
          text += HTMLTextConverter.content(of: current)
          child = current.pointee.next
        }
        return text
      }
      if let child = node.pointee.children {
        next = child
        continue
      }
      var cursor = node
      next = nil
      while next == nil {
        if let sibling = cursor.pointee.next {
          next = sibling
        } else if let parent = cursor.pointee.parent, parent != root {
          cursor = parent
        } else {
          return nil
        }
      }
    }
    return nil
  }
}

/// The link targets numbered so far in one document, shared by the table cell renderers.
final class HTMLLinkList {
  private(set) var targets: [String] = []
  private var numbers: [String: Int] = [:]

  /// Returns the number of `target`, adding it to the list when it is new.
  func number(for target: String) -> Int {
    if let number = numbers[target] { return number }
    targets.append(target)
    numbers[target] = targets.count
    return targets.count
  }
}
