import Testing

@testable import KithUI
