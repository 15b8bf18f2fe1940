import Foundation
import KithCore
import Testing

@testable import KithUI

@Suite("Theme")
struct ThemeTests {
  static let themeNames = ["default", "light", "dark", "mono"]

  @Test(arguments: themeNames)
  func bundledThemeLoads(name: String) throws {
    let theme = try Theme.load(named: name, from: [Theme.sourceThemesDirectory])
    #expect(theme.name == name)
    for role in StyleRole.allCases {
      #expect(theme.styles[role] != nil, "theme \(name) lacks role \(role.rawValue)")
    }
  }

  @Test func monoFileMatchesBuiltIn() throws {
    let file = try Theme.load(named: "mono", from: [Theme.sourceThemesDirectory])
    #expect(file.styles == Theme.monochrome.styles)
    #expect(!file.usesColor)
  }

  @Test func colorThemesUseColor() throws {
    for name in ["default", "light", "dark"] {
      let theme = try Theme.load(named: name, from: [Theme.sourceThemesDirectory])
      #expect(theme.usesColor, "theme \(name) uses no color")
    }
  }

  @Test func parsesColorsAndAttributes() throws {
    let theme = try Theme.parse(
      "# comment\n\nselection = black bright-cyan bold reverse\nstatus = 208 default\n",
      name: "test")
    let selection = theme.style(for: .selection)
    #expect(selection.foreground == .index(0))
    #expect(selection.background == .index(14))
    #expect(selection.attributes == [.bold, .reverse])
    #expect(theme.style(for: .status).foreground == .index(208))
    #expect(theme.style(for: .status).background == .terminalDefault)
    #expect(theme.style(for: .help) == Theme.monochrome.style(for: .help))
  }

  @Test func unknownRoleRejected() {
    #expect {
      try Theme.parse("sidebar = red blue", name: "bad")
    } throws: { error in
      let message = (error as? KithError)?.message ?? ""
      return message.contains("Unknown role \"sidebar\"") && message.contains("line 1")
    }
  }

  @Test func invalidColorRejected() {
    #expect(throws: KithError.self) {
      try Theme.parse("status = purple black", name: "bad")
    }
    #expect(throws: KithError.self) {
      try Theme.parse("status = 300 black", name: "bad")
    }
    #expect(throws: KithError.self) {
      try Theme.parse("status = red", name: "bad")
    }
    #expect(throws: KithError.self) {
      try Theme.parse("status = red black blink", name: "bad")
    }
    #expect(throws: KithError.self) {
      try Theme.parse("status red black", name: "bad")
    }
  }

  @Test func missingThemeNotFound() {
    #expect {
      try Theme.load(named: "nonexistent", from: [Theme.sourceThemesDirectory])
    } throws: { error in
      (error as? KithError)?.code == .notFound
    }
  }

  @Test func themeNameWithFolderRejected() {
    #expect(throws: KithError.self) {
      try Theme.load(named: "../etc/passwd", from: [Theme.sourceThemesDirectory])
    }
  }

  @Test func monoAvailableWithoutFile() throws {
    let theme = try Theme.load(named: "mono", from: [])
    #expect(theme == Theme.monochrome)
  }
}
