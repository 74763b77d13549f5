import Logging
import CloudflareStream
import RelayCore

/// Cloudflare's live input notifications (`live_input.connected/disconnected/errored`),
/// posted by a notification destination whose secret is a platform's `webhook_secret`,
/// become the state of the output pushing to that input.
extension CloudflareCompanion: WebhookReceiver {
    var name: String { "cloudflare" }

    var documentation: WebhookDocumentation {
        WebhookDocumentation(
            summary: "Cloudflare Stream live input notifications (live_input.connected, disconnected, errored)",
            signatureHeaders: [LiveInputWebhookVerifier.authHeader])
    }

    func receive(_ request: WebhookRequest) async -> WebhookReply {
        let secrets = Set(outputs.platforms.values.compactMap(\.webhookSecret))
        guard !secrets.isEmpty else {
            return WebhookReply(status: 401, body: ["error": "no platform of type cloudflare has a webhook_secret"])
        }
        var refusal = "cf-webhook-auth does not match any platform's webhook_secret"
        for secret in secrets.sorted() {
            do {
                let notification = try LiveInputWebhookVerifier(secret: CloudflareSecret(secret))
                    .verify(headers: request.headers, body: request.body)
                return await apply(notification)
            } catch .missingAuth {
                return WebhookReply(status: 401, body: ["error": "missing \(LiveInputWebhookVerifier.authHeader) header"])
            } catch .wrongSecret {
                continue
            } catch {
                refusal = "\(error)"
                return WebhookReply(status: 400, body: ["error": refusal])
            }
        }
        return WebhookReply(status: 401, body: ["error": refusal])
    }

    private func apply(_ notification: LiveInputNotification) async -> WebhookReply {
        guard let (key, output) = outputs.output(withResource: notification.inputID) else { return .ok("ignored: no relay pushes to that live input") }
        let (newState, error): (String, String?) =
            switch notification.event {
            case .connected: ("connected", nil)
            case .disconnected: ("disconnected", nil)
            case .errored(let code, let message):
                ("errored", "Cloudflare: live input errored: " + [code, message].compactMap { $0 }.joined(separator: ": "))
            case .other(let type): (type, nil)
            }
        if case .other = notification.event { return .ok("ignored: unknown event") }
        output.cell.update { status in
            status.state = newState
            status.lastError = error ?? (newState == "connected" ? nil : status.lastError)
        }
        logger.info("cloudflare: live input \(notification.inputID) of \(key.relay) \(key.platform): \(newState)")
        await output.events.note("platform live input \(newState)", detail: error ?? "output \(key.platform)")
        return .ok("applied")
    }
}
