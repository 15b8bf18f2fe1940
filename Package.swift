// swift-tools-version:6.0
import PackageDescription

// The C libraries come from Debian's -dev packages (scripts/bootstrap installs them).
// Each one is a system-library target whose shim.h adds static inline wrappers for what
// Swift cannot call directly: variadic functions and function-like macros.
let package = Package(
  name: "Kith",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "kith", targets: ["kith"]),
    .library(name: "KithCore", targets: ["KithCore"]),
    .library(name: "KithUI", targets: ["KithUI"]),
  ],
  targets: [
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CGMime", pkgConfig: "gmime-3.0", providers: [.apt(["libgmime-3.0-dev"])]),
    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CCurses", pkgConfig: "ncursesw", providers: [.apt(["libncurses-dev"])]),
    .target(
      name: "KithCore",
      dependencies: ["CCurl", "CSQLite", "CGMime", "CLibXML2"]
    ),
    .target(
      name: "KithUI",
      dependencies: ["KithCore", "CCurses"]
    ),
    .target(
      name: "KithTestSupport",
      dependencies: ["KithCore", "KithUI"]
    ),
    .target(
      name: "KithApp",
      dependencies: ["KithCore", "KithUI"]
    ),
    .executableTarget(
      name: "kith",
      dependencies: ["KithApp"]
    ),
    .testTarget(
      name: "KithCoreTests",
      dependencies: ["KithCore", "KithTestSupport"]
    ),
    .testTarget(
      name: "KithAppTests",
      dependencies: ["KithApp", "KithCore", "KithTestSupport"]
    ),
    .testTarget(
      name: "KithUITests",
      dependencies: ["KithUI", "KithCore", "KithTestSupport"]
    ),
  ],
  swiftLanguageModes: [.v5]
)
