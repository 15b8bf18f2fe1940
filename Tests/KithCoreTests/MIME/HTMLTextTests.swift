import Testing

@testable import KithCore

@Suite struct HTMLTextTests {
  @Test func paragraphsAreSeparatedByEmptyLines() {
    let text = HTMLText.text(fromHTML: "<p>First  paragraph\nwraps.</p><p>Second</p>")
    #expect(text == "First paragraph wraps.\n\nSecond")
  }

  @Test func lineBreaksEndLines() {
    #expect(HTMLText.text(fromHTML: "one<br>two<br/>three") == "one\ntwo\nthree")
  }

  @Test func unorderedListItemsGetDashes() {
    let text = HTMLText.text(fromHTML: "<p>Items:</p><ul><li>apple</li><li>pear</li></ul><p>End</p>")
    #expect(text == "Items:\n\n- apple\n- pear\n\nEnd")
  }

  @Test func orderedListItemsGetNumbers() {
    let text = HTMLText.text(fromHTML: "<ol><li>first</li><li>second</li></ol>")
    #expect(text == "1. first\n2. second")
  }

  @Test func orderedListHonoursStart() {
    let text = HTMLText.text(fromHTML: "<ol start=\"9\"><li>nine</li><li>ten</li></ol>")
    #expect(text == "9. nine\n10. ten")
  }

  @Test func nestedListsAreIndented() {
    let html = "<ul><li>outer<ul><li>inner</li></ul></li><li>next</li></ul>"
    #expect(HTMLText.text(fromHTML: html) == "- outer\n  - inner\n- next")
  }

  @Test func blockQuotesArePrefixed() {
    let html = "<p>Reply</p><blockquote><p>quoted line</p><blockquote>deeper</blockquote></blockquote>"
    #expect(HTMLText.text(fromHTML: html) == "Reply\n\n> quoted line\n>\n> > deeper")
  }

  @Test func linksAreNumberedAndListed() {
    let html = "<p>See <a href=\"https://example.com/a\">the docs</a> and <a href=\"https://example.com/b\">more</a>.</p>"
    let text = HTMLText.text(fromHTML: html)
    #expect(text == "See the docs [1] and more [2].\n\n[1] https://example.com/a\n[2] https://example.com/b")
  }

  @Test func repeatedLinkKeepsItsNumber() {
    let html = "<a href=\"https://x.test/\">one</a> <a href=\"https://x.test/\">two</a>"
    #expect(HTMLText.text(fromHTML: html) == "one [1] two [1]\n\n[1] https://x.test/")
  }

  @Test func linkWhoseTextIsTheTargetIsNotNumbered() {
    let html = "<a href=\"https://example.com/\">https://example.com</a> <a href=\"#top\">top</a>"
    #expect(HTMLText.text(fromHTML: html) == "https://example.com top")
  }

  @Test func linksWithoutTextAreLeftOut() {
    let html = "<a href=\"https://t.test/px\"><img src=\"px.gif\"></a>Text <a href=\"https://x.test/\"><img alt=\"Logo\"></a>"
    #expect(HTMLText.text(fromHTML: html) == "Text Logo [1]\n\n[1] https://x.test/")
  }

  @Test func scriptsStylesAndHeadAreDropped() {
    let html = """
      <html><head><title>Title</title><style>p { color: red }</style></head>
      <body><script>alert("x")</script><p>Visible</p><noscript>hidden</noscript></body></html>
      """
    #expect(HTMLText.text(fromHTML: html) == "Visible")
  }

  @Test func entitiesAreDecoded() {
    let html = "<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#8364;5 &#x263A;&nbsp;ok</p>"
    #expect(HTMLText.text(fromHTML: html) == "Fish & chips <3 été €5 ☺ ok")
  }

  @Test func invisiblePaddingIsRemoved() {
    #expect(HTMLText.text(fromHTML: "<p>a&zwnj;&#8203;b\u{00AD}c</p>") == "abc")
  }

  @Test func preformattedTextKeepsLines() {
    let html = "<pre>line  one\n    indented</pre><p>after</p>"
    #expect(HTMLText.text(fromHTML: html) == "line  one\n    indented\n\nafter")
  }

  @Test func simpleTableIsAligned() {
    let html = """
      <table><tr><th>Name</th><th>Qty</th></tr>
      <tr><td>Apple</td><td>3</td></tr><tr><td>Kiwi fruit</td><td>12</td></tr></table>
      """
    #expect(HTMLText.text(fromHTML: html) == "Name        Qty\nApple       3\nKiwi fruit  12")
  }

  @Test func layoutTablesBecomeBlocks() {
    let html = """
      <table><tr><td><table><tr><td>Header</td></tr></table></td></tr>
      <tr><td><p>Body text</p></td></tr></table>
      """
    #expect(HTMLText.text(fromHTML: html) == "Header\n\nBody text")
  }

  @Test func linksInsideTableCellsAreNumbered() {
    let html = "<table><tr><td><a href=\"https://a.test/x\">A</a></td><td>B</td></tr></table>"
    #expect(HTMLText.text(fromHTML: html) == "A [1]  B\n\n[1] https://a.test/x")
  }

  @Test func malformedHTMLRecovers() {
    #expect(HTMLText.text(fromHTML: "<p>open <b>bold <i>both</p>after") == "open bold both\n\nafter")
  }

  @Test func emptyInputGivesEmptyText() {
    #expect(HTMLText.text(fromHTML: "") == "")
    #expect(HTMLText.text(fromHTML: "<html><body></body></html>") == "")
  }

  @Test func moderateNestingKeepsText() {
    let html = String(repeating: "<div>", count: 200) + "deep" + String(repeating: "</div>", count: 200)
    #expect(HTMLText.text(fromHTML: html) == "deep")
  }

  @Test func deepNestingDoesNotExhaustTheStack() {
    // libxml2 stops at 256 levels; the text before the nesting must survive.
    let depth = 100_000
    let html = "<p>before</p>" + String(repeating: "<div><span>", count: depth) + "deep"
      + String(repeating: "</span></div>", count: depth)
    #expect(HTMLText.text(fromHTML: html).hasPrefix("before"))
  }

  @Test func headingsAndRulesAreBlocks() {
    #expect(HTMLText.text(fromHTML: "<h1>Title</h1>text<hr>end") == "Title\n\ntext\n\n----------\n\nend")
  }
}

/// HTML nested deeper than libxml2's limit keeps all its text, shown with tags removed.
@Suite struct HTMLDepthLimitTests {
  static func deepHTML(levels: Int) -> String {
    "<html><body>" + String(repeating: "<div>", count: levels) + "deep text"
      + String(repeating: "</div>", count: levels)
      + "<script>var hidden = 1;</script><p>after &amp; done &#8364;</p></body></html>"
  }

  @Test func textInsideAndAfterDeepNestingKept() {
    let text = HTMLText.text(fromHTML: Self.deepHTML(levels: 1_000))
    #expect(text.contains("deep text"))
    #expect(text.contains("after & done €"))
    #expect(!text.contains("hidden"))
    #expect(!text.contains("<div>"))
    #expect(text.hasSuffix(HTMLText.tooDeepNote))
  }

  @Test func shallowNestingUsesParser() {
    let text = HTMLText.text(fromHTML: Self.deepHTML(levels: 100))
    #expect(text.contains("deep text"))
    #expect(!text.contains(HTMLText.tooDeepNote))
  }
}
