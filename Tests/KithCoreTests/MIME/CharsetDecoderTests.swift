import Foundation
import Testing

@testable import KithCore

@Suite struct CharsetDecoderTests {
  @Test func asciiNeedsNoConversion() {
    let result = CharsetDecoder.decode(Data("plain".utf8), charset: "us-ascii")
    #expect(result.text == "plain")
    #expect(result.note == nil)
  }

  @Test func iso2022JPIsConvertedAlthoughSevenBit() {
    // ESC $ B, the JIS X 0208 code of "日", ESC ( B.
    let bytes: [UInt8] = [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x1B, 0x28, 0x42]
    #expect(CharsetDecoder.decode(Data(bytes), charset: "ISO-2022-JP").text == "日")
  }

  @Test func truncatedMultibyteSequenceIsReplaced() {
    // "あ" is 82 A0 in Shift_JIS; the text ends after its first byte.
    let result = CharsetDecoder.decode(Data([0x82, 0xA0, 0x82]), charset: "shift_jis")
    #expect(result.text == "あ\u{FFFD}")
    #expect(result.note == "1 bytes invalid in charset \"shift_jis\" are shown as \u{FFFD}.")
  }

  @Test func invalidByteInTheMiddleIsReplaced() {
    // 0x80 is not a valid first byte in EUC-KR; the text around it must survive.
    let result = CharsetDecoder.decode(Data([0x61, 0x80, 0x62]), charset: "euc-kr")
    #expect(result.text.hasPrefix("a"))
    #expect(result.text.hasSuffix("b"))
    #expect(result.text.contains("\u{FFFD}"))
  }

  @Test func utf16WithoutByteOrderMark() {
    let bytes: [UInt8] = [0x00, 0x48, 0x00, 0x69]
    #expect(CharsetDecoder.decode(Data(bytes), charset: "UTF-16BE").text == "Hi")
  }

  @Test func outlookKoreanNameIsResolved() {
    // Outlook labels Korean text ks_c_5601-1987, which iconv does not know. "한" is C7 D1.
    #expect(CharsetDecoder.decode(Data([0xC7, 0xD1]), charset: "ks_c_5601-1987").text == "한")
  }

  @Test func metaCharsetIsFound() {
    let html = Data("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=KOI8-R\">".utf8)
    #expect(CharsetDecoder.charsetDeclaredInHTML(html) == "koi8-r")
    #expect(CharsetDecoder.charsetDeclaredInHTML(Data("<p>no charset</p>".utf8)) == nil)
  }
}
