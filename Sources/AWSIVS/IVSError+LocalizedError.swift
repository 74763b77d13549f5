public import Foundation

/// So `localizedDescription` (what many loggers and UIs print) says what `description` says,
/// not "The operation could not be completed".
extension IVSError: LocalizedError {
    public var errorDescription: String? { description }
}
