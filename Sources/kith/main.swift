import Foundation
import KithApp

exit(await KithMain.run(Array(CommandLine.arguments.dropFirst())))
