import Foundation
import RelayCore

/// Puts `${VAR}` back where an error message would show a value taken from the
/// environment. Messages quote values as `"..."`, so a quoted substituted scalar is always
/// replaced; bare occurrences (inside URLs, durations) are replaced for values of at least
/// `minimumBareLength` characters, since shorter ones would also hit unrelated text.
struct SecretRedactor {
    static let minimumBareLength = 4

    private let secrets: [SecretText]

    init(_ secrets: some Sequence<SecretText>) {
        // Longest first, so a whole scalar is replaced before a variable inside it.
        self.secrets = Set(secrets).filter { !$0.value.isEmpty }.sorted { $0.value.count > $1.value.count }
    }

    func redact(_ message: String) -> String {
        var message = message
        for secret in secrets {
            message = message.replacingOccurrences(of: "\"\(secret.value)\"", with: "\"\(secret.written)\"")
        }
        for secret in secrets where secret.value.count >= Self.minimumBareLength {
            message = message.replacingOccurrences(of: secret.value, with: secret.written)
        }
        return message
    }

    func redact(_ diagnostic: Diagnostic) -> Diagnostic {
        Diagnostic(redact(diagnostic.message), at: diagnostic.location)
    }
}
