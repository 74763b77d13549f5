import Agora
import Logging
import Synchronization
import Foundation
import RelayCore

/// Agora's Notification Center (NCS) webhooks at `POST /v1/webhooks/agora`. The signature
/// is checked over the raw bytes before anything is parsed; duplicates (by noticeId) and
/// events older than the user's last (by clientSeq) are answered 200 and dropped, so NCS
/// stops resending them. Work is quick (a relay start is queued, not awaited to the end):
/// Agora wants its 200 within 10 s.
extension AgoraCompanion: WebhookReceiver {
    public var name: String { "agora" }

    public var documentation: WebhookDocumentation {
        WebhookDocumentation(
            summary: "Agora Notification Center (NCS) events: Agora-Signature-V2 is HMAC-SHA256 of the raw body with agora.ncs_secret.",
            signatureHeaders: ["Agora-Signature-V2", "Agora-Signature"])
    }

    public func receive(_ request: WebhookRequest) async -> WebhookReply {
        guard let secret = account.notificationSecret else {
            logger.warning("agora webhook refused: agora.ncs_secret is not set, so signatures cannot be checked")
            return WebhookReply(status: 401, body: ["error": "webhook signatures cannot be checked: no ncs_secret is configured"])
        }
        switch NotificationSignature.verify(
            body: request.body, sha256Header: request.headers["agora-signature-v2"],
            sha1Header: request.headers["agora-signature"], secret: secret)
        {
        case .valid: break
        case .missing:
            logger.warning("agora webhook refused: no Agora-Signature-V2 or Agora-Signature header")
            return WebhookReply(status: 401, body: ["error": "missing Agora-Signature-V2 header"])
        case .invalid(let reason):
            logger.warning("agora webhook refused: bad signature (\(reason))")
            return WebhookReply(status: 401, body: ["error": "invalid signature"])
        }
        let notification: AgoraNotification
        do {
            notification = try JSONDecoder().decode(AgoraNotification.self, from: Data(request.body))
        } catch {
            logger.warning("agora webhook: signed but unreadable notification: \(error)")
            return WebhookReply(status: 400, body: ["error": "unreadable notification: \(Self.describe(error))"])
        }
        // Before the sequencer remembers it: NCS resends what is not answered 200.
        guard let director = director.current else {
            return WebhookReply(status: 503, body: ["error": "the gateway is starting"])
        }
        let admission = state.withLock { $0.sequencer.admit(notification) }
        switch admission {
        case .duplicate:
            logger.debug("agora notification \(notification.noticeId) is a duplicate; ignored")
            return .ok("duplicate")
        case .stale:
            logger.debug("agora notification \(notification.noticeId) is older than one already handled; ignored")
            return .ok("stale")
        case .fresh:
            break
        }
        switch notification.event {
        case .rtc(let event): return await handle(event, director: director)
        case .mediaPush(let event): return handle(event)
        case .other: return .ok("ignored")
        }
    }

    private func handle(_ event: RTCChannelEvent, director: any RelayDirector) async -> WebhookReply {
        guard let uid = event.uid else { return .ok("ignored") }
        switch event.kind {
        case .broadcasterJoin, .roleToBroadcaster:
            return await sellerJoined(channel: event.channelName, uid: uid, director: director)
        case .broadcasterLeave, .roleToAudience:
            let ours = state.withLock { state in state.attached.values.contains { $0.channel == event.channelName && $0.sellerUID == uid } }
            guard ours else { return .ok("ignored") }
            await sellerLost(channel: event.channelName, uid: uid, why: "broadcaster left (event \(event.kind.eventType))")
            return .ok("source lost")
        default:
            return .ok("ignored")
        }
    }

    private func sellerJoined(channel: String, uid: UInt32, director: any RelayDirector) async -> WebhookReply {
        let returning = state.withLock { state in
            let timer = state.lossTimers.removeValue(forKey: channel)
            timer?.cancel()
            return state.attached.values.filter { $0.channel == channel && $0.sellerUID == uid }.map(\.lifecycle)
        }
        for lifecycle in returning { await lifecycle.signal(.sellerBack) }
        let outcome = await director.startRelay(channel: channel, sellerUID: String(uid), sourceType: AgoraSourcePlugin.type)
        switch outcome {
        case .started(let relay):
            logger.info("agora broadcaster \(uid) joined \(channel): relay started", metadata: ["relay": "\(relay)"])
            return .ok("relay started")
        case .alreadyRunning:
            return .ok("relay already running")
        case .noRoute:
            logger.debug("agora channel \(channel) matches no agora route; ignored")
            return .ok("ignored")
        case .refused(let why):
            logger.warning("agora broadcaster \(uid) joined \(channel), but its relay was refused: \(why)")
            // 200 all the same: a resend would be refused again.
            return .ok("refused: \(why)")
        case .stopped, .notRunning:
            return .ok("ignored")
        }
    }

    /// The seller's stream is gone (they left, turned audience, or Agora timed the converter
    /// out): the relay's reconnect window runs; if they are not back by its end, the relay stops.
    func sellerLost(channel: String, uid: UInt32, why: String) async {
        guard let director = director.current else { return }
        let window = await director.reconnectWindow(channel: channel, sourceType: AgoraSourcePlugin.type) ?? .zero
        logger.info("agora seller \(uid) of \(channel) lost (\(why)); the relay stops unless they return within \(window)")
        let timer = Task {
            try? await Task.sleep(for: window)
            guard !Task.isCancelled else { return }
            let outcome = await director.stopRelay(
                channel: channel, sourceType: AgoraSourcePlugin.type, reason: "source-gone: agora seller left (\(why))")
            if case .stopped(let relay) = outcome {
                self.logger.info("agora seller did not return: relay stopped", metadata: ["relay": "\(relay)"])
            }
            _ = self.state.withLock { $0.lossTimers.removeValue(forKey: channel) }
        }
        state.withLock { state in
            state.lossTimers[channel]?.cancel()
            state.lossTimers[channel] = timer
        }
    }

    private func handle(_ event: MediaPushEvent) -> WebhookReply {
        let lifecycle = state.withLock { state in
            state.attached.values.first { $0.cell.status.id == event.converterID }?.lifecycle
        }
        guard let lifecycle else { return .ok("ignored") }
        switch event.kind {
        case .stateChanged:
            if let converterState = event.state {
                Task { await lifecycle.signal(.state(id: event.converterID, converterState)) }
            }
        case .destroyed:
            Task { await lifecycle.signal(.destroyed(id: event.converterID, reason: event.destroyReason ?? "unknown")) }
        default:
            break
        }
        return .ok("converter event")
    }

    private static func describe(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                return context.debugDescription
            @unknown default: return "\(decoding)"
            }
        }
        return "\(error)"
    }
}
