import CCurl
import CGMime
import CLibXML2
import CSQLite

/// The versions of the C libraries Kith runs with, for `kith --version` and bug reports.
public enum LibraryVersions {
  public static var summary: String {
    let curl = String(cString: curl_version())
    let sqlite = String(cString: sqlite3_libversion())
    let gmime = "GMime \(gmime_major_version).\(gmime_minor_version).\(gmime_micro_version)"
    let xml = "libxml2 \(LIBXML_DOTTED_VERSION)"
    return [curl, "SQLite \(sqlite)", gmime, xml].joined(separator: ", ")
  }
}
