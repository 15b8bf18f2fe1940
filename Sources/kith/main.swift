import KithCore
import KithUI

print("kith (\(LibraryVersions.summary))")
