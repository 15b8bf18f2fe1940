import KithTestSupport
import Testing

@testable import KithCore

@Suite("TerminalText.sanitize")
struct TerminalTextSanitizeTests {
  @Test func plainTextUnchanged() {
    #expect(TerminalText.sanitize("Hello, world") == "Hello, world")
    #expect(TerminalText.sanitize("Grüße 你好 👍") == "Grüße 你好 👍")
  }

  @Test func csiSequencesRemoved() {
    #expect(TerminalText.sanitize("a\u{1B}[31mred\u{1B}[0m") == "ared")
    #expect(TerminalText.sanitize("\u{1B}[2J\u{1B}[1;1Hx") == "x")
    #expect(TerminalText.sanitize("\u{1B}[?1049h!") == "!")
  }

  @Test func eightBitCSIRemoved() {
    #expect(TerminalText.sanitize("a\u{9B}31mb") == "ab")
  }

  @Test func oscEndedByBell() {
    let title = "before\u{1B}]0;evil title\u{07}after"
    #expect(TerminalText.sanitize(title) == "beforeafter")
  }

  @Test func oscEndedByStringTerminator() {
    let link = "\u{1B}]8;;http://127.0.0.1/\u{1B}\\click\u{1B}]8;;\u{1B}\\ here"
    #expect(TerminalText.sanitize(link) == "click here")
    #expect(TerminalText.sanitize("x\u{9D}2;t\u{9C}y") == "xy")
  }

  @Test func oscWithoutTerminatorSwallowsRest() {
    #expect(TerminalText.sanitize("keep\u{1B}]52;c;payload") == "keep")
  }

  @Test func dcsAndOtherStringsRemoved() {
    #expect(TerminalText.sanitize("a\u{1B}P1$r0m\u{1B}\\b") == "ab")
    #expect(TerminalText.sanitize("a\u{1B}Xsos\u{1B}\\b") == "ab")
    #expect(TerminalText.sanitize("a\u{1B}^pm\u{1B}\\b") == "ab")
    #expect(TerminalText.sanitize("a\u{1B}_apc\u{1B}\\b") == "ab")
    #expect(TerminalText.sanitize("a\u{90}dcs\u{9C}b") == "ab")
  }

  @Test func bellDoesNotEndDCS() {
    #expect(TerminalText.sanitize("a\u{1B}Pq\u{07}still\u{1B}\\b") == "ab")
  }

  @Test func shortEscapeSequencesRemoved() {
    #expect(TerminalText.sanitize("a\u{1B}cb") == "ab")
    #expect(TerminalText.sanitize("a\u{1B}(Bb") == "ab")
    #expect(TerminalText.sanitize("a\u{1B}7b\u{1B}8") == "ab")
  }

  @Test func loneEscapeAtEndRemoved() {
    #expect(TerminalText.sanitize("end\u{1B}") == "end")
    #expect(TerminalText.sanitize("end\u{1B}[") == "end")
    #expect(TerminalText.sanitize("\u{1B}") == "")
  }

  @Test func c0AndC1ControlsRemoved() {
    #expect(TerminalText.sanitize("a\u{00}b\u{07}c\u{08}d") == "abcd")
    #expect(TerminalText.sanitize("a\u{7F}b") == "ab")
    #expect(TerminalText.sanitize("a\u{85}b\u{8D}c") == "abc")
  }

  @Test func lineBreaksBecomeSpaces() {
    #expect(TerminalText.sanitize("folded\r\n subject") == "folded  subject")
    #expect(TerminalText.sanitize("a\nb") == "a b")
    #expect(TerminalText.sanitize("a\rb") == "a b")
    #expect(TerminalText.sanitize("a\tb") == "a b")
    #expect(TerminalText.sanitize("a\u{2028}b") == "a b")
  }

  @Test func bidiOverridesMadeVisible() {
    #expect(TerminalText.sanitize("invoice\u{202E}fdp.exe") == "invoice<U+202E>fdp.exe")
    #expect(TerminalText.sanitize("\u{202A}x\u{202C}") == "<U+202A>x<U+202C>")
    #expect(TerminalText.sanitize("\u{2066}x\u{2069}") == "<U+2066>x<U+2069>")
    #expect(TerminalText.sanitize("\u{2067}\u{2068}") == "<U+2067><U+2068>")
  }

  @Test func directionalMarksRemoved() {
    #expect(TerminalText.sanitize("a\u{200E}b\u{200F}c") == "abc")
    #expect(TerminalText.sanitize("\u{FEFF}text") == "text")
  }

  @Test func sanitizeIsIdempotent() {
    let once = TerminalText.sanitize("x\u{202E}y\u{1B}[1mz")
    #expect(TerminalText.sanitize(once) == once)
  }
}

@Suite("TerminalText.sanitizeBody")
struct TerminalTextBodyTests {
  @Test func bodyKeepsNewlines() {
    #expect(TerminalText.sanitizeBody("one\ntwo") == "one\ntwo")
    #expect(TerminalText.sanitizeBody("one\r\ntwo\r\n") == "one\ntwo\n")
  }

  @Test func bodyDropsLoneCarriageReturn() {
    #expect(TerminalText.sanitizeBody("safe\rfake") == "safefake")
  }

  @Test func bodyExpandsTabs() {
    #expect(TerminalText.sanitizeBody("a\tb") == "a       b")
    #expect(TerminalText.sanitizeBody("\tx") == "        x")
    #expect(TerminalText.sanitizeBody("abcdefgh\tx") == "abcdefgh        x")
    #expect(TerminalText.sanitizeBody("a\tb", tabWidth: 4) == "a   b")
  }

  @Test func bodyTabStopsCountWideCells() {
    #expect(TerminalText.sanitizeBody("你\tx") == "你      x")
  }

  @Test func bodyRemovesEscapes() {
    #expect(TerminalText.sanitizeBody("a\u{1B}[31m\nb\u{1B}]0;t\u{07}") == "a\nb")
  }
}

@Suite("TerminalText.width")
struct TerminalTextWidthTests {
  @Test func asciiWidth() {
    #expect(TerminalText.width("") == 0)
    #expect(TerminalText.width("hello") == 5)
    #expect(TerminalText.width(" ~") == 2)
  }

  @Test func latinAccentedWidth() {
    #expect(TerminalText.width("Grüße") == 5)
    #expect(TerminalText.width("\u{AD}") == 1)
  }

  @Test func cjkWidth() {
    #expect(TerminalText.width("你好") == 4)
    #expect(TerminalText.width("こんにちは") == 10)
    #expect(TerminalText.width("한국어") == 6)
    #expect(TerminalText.width("ＡＢ") == 4)
    #expect(TerminalText.width("ｶﾀｶﾅ") == 4)
  }

  @Test func combiningMarksWidth() {
    #expect(TerminalText.width("e\u{301}") == 1)
    #expect(TerminalText.width("a\u{308}\u{323}") == 1)
    #expect(TerminalText.width(of: "\u{301}") == 0)
    #expect(TerminalText.width("\u{1100}\u{1161}\u{11A8}") == 2)
  }

  @Test func zeroWidthFormatCharacters() {
    #expect(TerminalText.width("a\u{200B}b") == 2)
    #expect(TerminalText.width(ofScalar: "\u{200D}") == 0)
    #expect(TerminalText.width(ofScalar: "\u{FE0F}") == 0)
  }

  @Test func emojiWidth() {
    #expect(TerminalText.width("😀") == 2)
    #expect(TerminalText.width("🚀") == 2)
    #expect(TerminalText.width("👍🏽") == 2)
    #expect(TerminalText.width("a😀b") == 4)
  }

  @Test func zwjFamilyIsOneGlyph() {
    #expect(TerminalText.width("👩\u{200D}👩\u{200D}👧\u{200D}👦") == 2)
    #expect(TerminalText.width("🧑\u{200D}💻") == 2)
    #expect(TerminalText.width("🏳\u{FE0F}\u{200D}🌈") == 2)
  }

  @Test func flagsAreTwoCells() {
    #expect(TerminalText.width("🇩🇪") == 2)
    #expect(TerminalText.width("🇯🇵🇫🇷") == 4)
    #expect(TerminalText.width(of: "\u{1F1E9}") == 1)
  }

  @Test func variationSelector16MakesTwo() {
    #expect(TerminalText.width("\u{2764}") == 1)
    #expect(TerminalText.width("\u{2764}\u{FE0F}") == 2)
    #expect(TerminalText.width("\u{263A}\u{FE0F}") == 2)
    #expect(TerminalText.width("1\u{FE0F}\u{20E3}") == 2)
  }

  @Test func controlsTakeNoCells() {
    #expect(TerminalText.width("\u{07}") == 0)
    #expect(TerminalText.width("\u{9B}") == 0)
  }

  @Test func controlsFormTheirOwnZeroWidthClusters() {
    let controls = Array(0x00...0x1F) + Array(0x7F...0x9F) + Array(0x202A...0x202E)
      + Array(0x2066...0x2069)
    for value in controls {
      let control = Character(Unicode.Scalar(UInt32(value))!)
      let clusters = Array("a\(control)b")
      #expect(clusters.count == 3, "U+\(String(value, radix: 16)) joins a neighbour")
      #expect(TerminalText.width(of: control) == 0, "U+\(String(value, radix: 16)) has width")
    }
  }
}

@Suite("TerminalText fitting")
struct TerminalTextFittingTests {
  @Test func truncateAscii() {
    #expect(TerminalText.truncate("hello", toWidth: 3) == "hel")
    #expect(TerminalText.truncate("hi", toWidth: 5) == "hi")
    #expect(TerminalText.truncate("hi", toWidth: 0) == "")
  }

  @Test func truncateNeverSplitsWideCharacter() {
    #expect(TerminalText.truncate("你好", toWidth: 3) == "你")
    #expect(TerminalText.truncate("a你", toWidth: 2) == "a")
  }

  @Test func truncateKeepsClustersWhole() {
    #expect(TerminalText.truncate("e\u{301}x", toWidth: 1) == "e\u{301}")
    let family = "👩\u{200D}👩\u{200D}👧"
    #expect(TerminalText.truncate(family + "z", toWidth: 2) == family)
    #expect(TerminalText.truncate(family, toWidth: 1) == "")
    #expect(TerminalText.truncate("🇩🇪🇫🇷", toWidth: 3) == "🇩🇪")
  }

  @Test func truncateWithEllipsis() {
    #expect(TerminalText.truncate("abcdef", toWidth: 4, ellipsis: "…") == "abc…")
    #expect(TerminalText.truncate("abc", toWidth: 4, ellipsis: "…") == "abc")
    #expect(TerminalText.truncate("你好世界", toWidth: 5, ellipsis: "…") == "你好…")
  }

  @Test func padFillsExactWidth() {
    #expect(TerminalText.pad("ab", toWidth: 4) == "ab  ")
    #expect(TerminalText.pad("你好", toWidth: 3) == "你 ")
    #expect(TerminalText.width(TerminalText.pad("👍🏽x", toWidth: 6)) == 6)
    #expect(TerminalText.padLeft("7", toWidth: 3) == "  7")
  }

  @Test func wrapAtSpaces() {
    #expect(TerminalText.wrap("the quick brown fox", toWidth: 10) == ["the quick", "brown fox"])
    #expect(TerminalText.wrap("a\n\nb", toWidth: 10) == ["a", "", "b"])
  }

  @Test func wrapCutsLongWords() {
    #expect(TerminalText.wrap("abcdefghij", toWidth: 4) == ["abcd", "efgh", "ij"])
    #expect(TerminalText.wrap("你好世界", toWidth: 3) == ["你", "好", "世", "界"])
  }

  @Test func wrappedLinesFitWidth() {
    let text = "Grüße aus 東京 👩\u{200D}👩\u{200D}👧 und e\u{301}tude, mit vielen Wörtern"
    for line in TerminalText.wrap(text, toWidth: 7) {
      #expect(TerminalText.width(line) <= 7, "line \(line) is too wide")
    }
  }
}

@Suite("TerminalText on the corpus")
struct TerminalTextCorpusTests {
  /// Returns whether a scalar must never reach the terminal from a body: controls other than
  /// the newline, DEL, C1 controls and bidirectional overrides or isolates.
  static func isForbiddenInBody(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if value == 0x0A {
      return false
    }
    return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
      || (0x2066...0x2069).contains(value)
  }

  @Test func corpusBodiesSanitized() throws {
    let names = try Fixtures.corpusFileNames()
    #expect(names.count > 100)

    for name in names {
      let raw = String(decoding: try Fixtures.corpusMessage(name), as: UTF8.self)
      let body = TerminalText.sanitizeBody(raw)
      let forbidden = body.unicodeScalars.first(where: Self.isForbiddenInBody)
      #expect(forbidden == nil, "\(name) keeps U+\(String(forbidden?.value ?? 0, radix: 16))")

      let line = TerminalText.sanitize(raw)
      #expect(!line.contains("\n"), "\(name) keeps a newline in single-line mode")
    }
  }

  @Test func corpusWrapsWithinWidth() throws {
    for name in try Fixtures.corpusFileNames() {
      let raw = String(decoding: try Fixtures.corpusMessage(name), as: UTF8.self)
      let body = TerminalText.sanitizeBody(raw)
      let tooWide = TerminalText.wrap(body, toWidth: 37).first { TerminalText.width($0) > 37 }
      #expect(tooWide == nil, "\(name) wraps to a line wider than 37 cells")

      let truncated = TerminalText.truncate(TerminalText.sanitize(raw), toWidth: 23, ellipsis: "…")
      #expect(TerminalText.width(truncated) <= 23, "\(name) truncates past 23 cells")
    }
  }
}
