import Foundation
import RelayCore

/// The OpenAPI 3.0 document of this API, served at `/openapi.json`. It is the single source:
/// edit it together with the handlers; the integration tests validate every response they
/// receive against it. Each webhook receiver (a plugin's) adds its own path.
enum OpenAPIDocument {
    /// The document with `POST /v1/webhooks/<name>` for each of `webhooks`, as served.
    static func json(webhooks: [any WebhookReceiver]) -> String {
        guard var document = try? JSONSerialization.jsonObject(with: Data(base.utf8)) as? [String: Any],
            var paths = document["paths"] as? [String: Any]
        else { return base }
        for receiver in webhooks { paths[WebhookRoutes.pathPrefix + receiver.name] = operation(receiver) }
        document["paths"] = paths
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return base }
        return String(decoding: data, as: UTF8.self)
    }

    /// How every receiver answers (see `WebhookReceiver`), with what it documents itself.
    private static func operation(_ receiver: any WebhookReceiver) -> [String: Any] {
        func reply(_ description: String) -> [String: Any] {
            ["description": description, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/WebhookReply"]]]]
        }
        let documentation = receiver.documentation
        return [
            "post": [
                "operationId": "\(receiver.name)Webhook",
                "summary": documentation.summary + " Authenticated by the sender's signature, not by a bearer token.",
                "security": [Any](),
                "parameters": documentation.signatureHeaders.map { ["name": $0, "in": "header", "required": false, "schema": ["type": "string"]] },
                "requestBody": ["required": true, "content": ["application/json": ["schema": ["type": "object"]]]],
                "responses": [
                    "200": reply("Handled (or a duplicate, stale or ignored event)."),
                    "400": reply("Signed but unreadable."),
                    "401": reply("Missing or invalid signature; nothing was done."),
                    "413": ["$ref": "#/components/responses/Error"],
                    "503": reply("The gateway is starting; send it again."),
                ],
            ]
        ]
    }

    static let base = #"""
        {
          "openapi": "3.0.3",
          "info": {
            "title": "relaygate control API",
            "version": "1.0.0",
            "description": "Start, stop and inspect relays (a route running for one channel). See docs/api.md."
          },
          "security": [{ "bearer": [] }],
          "paths": {
            "/v1/relays": {
              "post": {
                "operationId": "startRelay",
                "summary": "Start a relay for a channel. Idempotent per channel. Admin token.",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StartRelay" } } }
                },
                "responses": {
                  "200": { "description": "The channel's relay: just started, or already running on this route.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Relay" } } } },
                  "400": { "$ref": "#/components/responses/Error" },
                  "401": { "$ref": "#/components/responses/Error" },
                  "403": { "$ref": "#/components/responses/Error" },
                  "409": { "$ref": "#/components/responses/Error" },
                  "413": { "$ref": "#/components/responses/Error" },
                  "415": { "$ref": "#/components/responses/Error" },
                  "429": { "$ref": "#/components/responses/RetryLater" },
                  "503": { "$ref": "#/components/responses/RetryLater" }
                }
              },
              "get": {
                "operationId": "listRelays",
                "summary": "Every relay, optionally only those in one state.",
                "parameters": [
                  { "name": "state", "in": "query", "required": false, "schema": { "$ref": "#/components/schemas/RelayState" } }
                ],
                "responses": {
                  "200": { "description": "The relays.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RelayList" } } } },
                  "400": { "$ref": "#/components/responses/Error" },
                  "401": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/v1/relays/{channelId}": {
              "parameters": [
                { "name": "channelId", "in": "path", "required": true, "schema": { "type": "string" } }
              ],
              "get": {
                "operationId": "getRelay",
                "summary": "One channel's relay.",
                "responses": {
                  "200": { "description": "The relay.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Relay" } } } },
                  "400": { "$ref": "#/components/responses/Error" },
                  "401": { "$ref": "#/components/responses/Error" },
                  "404": { "$ref": "#/components/responses/Error" }
                }
              },
              "delete": {
                "operationId": "stopRelay",
                "summary": "Stop the channel's relay. Idempotent: 204 whether or not there was one. Admin token.",
                "responses": {
                  "204": { "description": "Stopping, or there was nothing to stop." },
                  "400": { "$ref": "#/components/responses/Error" },
                  "401": { "$ref": "#/components/responses/Error" },
                  "403": { "$ref": "#/components/responses/Error" },
                  "409": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/healthz": {
              "get": {
                "operationId": "health",
                "security": [],
                "summary": "Liveness: the process answers.",
                "responses": {
                  "200": { "description": "Alive.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } }
                }
              }
            },
            "/readyz": {
              "get": {
                "operationId": "ready",
                "security": [],
                "summary": "Readiness: config applied and not shutting down.",
                "responses": {
                  "200": { "description": "Ready.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } },
                  "503": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/metrics": {
              "get": {
                "operationId": "metrics",
                "summary": "Prometheus text exposition. Any token.",
                "responses": {
                  "200": { "description": "Metrics.", "content": { "text/plain": { "schema": { "type": "string" } } } },
                  "401": { "$ref": "#/components/responses/Error" }
                }
              }
            },
            "/openapi.json": {
              "get": {
                "operationId": "openapi",
                "security": [],
                "summary": "This document.",
                "responses": {
                  "200": { "description": "The document.", "content": { "application/json": { "schema": { "type": "object" } } } }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": { "type": "http", "scheme": "bearer" }
            },
            "responses": {
              "Error": {
                "description": "An error.",
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
              },
              "RetryLater": {
                "description": "Refused for now; Retry-After says when to try again.",
                "headers": { "Retry-After": { "required": true, "schema": { "type": "integer" } } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
              }
            },
            "schemas": {
              "StartRelay": {
                "type": "object",
                "additionalProperties": false,
                "required": ["channelId", "sellerUid"],
                "properties": {
                  "channelId": { "type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$" },
                  "sellerUid": { "type": "string", "minLength": 1, "maxLength": 128 },
                  "route": { "type": "string", "minLength": 1, "maxLength": 128, "description": "A route name; default: the first route (config order) that serves the channel." }
                }
              },
              "RelayState": {
                "type": "string",
                "enum": ["pending", "starting", "active", "reconnecting", "stopping", "stopped", "failed"]
              },
              "OutputState": {
                "type": "string",
                "enum": ["starting", "active", "retrying", "failed", "finished"]
              },
              "Health": {
                "type": "string",
                "enum": ["good", "fair", "poor"],
                "description": "poor: not active or no output active; fair: active but an output is not active, dropped packets since the previous report, or input below 20 fps; good: otherwise."
              },
              "Output": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "state", "bytesOut", "bitrateKbps", "retries"],
                "properties": {
                  "name": { "type": "string" },
                  "state": { "$ref": "#/components/schemas/OutputState" },
                  "bytesOut": { "type": "integer" },
                  "bitrateKbps": { "type": "number" },
                  "retries": { "type": "integer", "description": "Connection attempts after the first: reconnects after a drop, and fail-fast retries." },
                  "lastRetryAt": { "type": "string", "format": "date-time", "description": "When the last of those attempts began. Absent before the first." },
                  "connectedSince": { "type": "string", "format": "date-time", "description": "When the current session to the destination was established. Absent unless the output is active." },
                  "lastError": { "type": "string", "description": "Names the output; stream keys are masked. Kept after a successful reconnect. Absent while there is none." },
                  "errorClass": { "type": "string", "enum": ["destination", "source", "configuration", "internal"], "description": "Whose fault lastError is: destination (the platform refused, dropped or stalled us), source, configuration, or internal (relaygate). Absent while there is no error." },
                  "platform": { "$ref": "#/components/schemas/PlatformResource" }
                }
              },
              "PlatformResource": {
                "type": "object",
                "additionalProperties": false,
                "description": "What the output's platform plugin provisioned for the relay (a live input, a channel), for platforms that create one per relay.",
                "required": ["kind", "state", "attempt"],
                "properties": {
                  "kind": { "type": "string", "description": "What it manages, in its plugin's words." },
                  "id": { "type": "string", "description": "Its id at the platform, once it exists (never a stream key)." },
                  "state": { "type": "string", "description": "The platform's own word for the resource's state." },
                  "attempt": { "type": "integer", "description": "Which creation of the resource this is (1 for the first)." },
                  "lastError": { "type": "string" },
                  "viewers": { "type": "integer", "description": "Live viewers as the platform counts them, when it does." }
                }
              },
              "Relay": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "channelId", "route", "origin", "isActive", "state", "health", "bitrateKbps", "fps", "startedAt", "uptimeSeconds", "restarts", "outputs"],
                "properties": {
                  "id": { "type": "string", "description": "route/channel; stable while the relay exists." },
                  "channelId": { "type": "string" },
                  "route": { "type": "string" },
                  "sellerUid": { "type": "string", "description": "API-started relays only." },
                  "origin": { "type": "string", "enum": ["config", "api"] },
                  "isActive": { "type": "boolean" },
                  "state": { "$ref": "#/components/schemas/RelayState" },
                  "health": { "$ref": "#/components/schemas/Health" },
                  "bitrateKbps": { "type": "number", "description": "Sum of the outputs' bitrates." },
                  "fps": { "type": "number", "description": "Input frames per second." },
                  "startedAt": { "type": "string", "format": "date-time" },
                  "uptimeSeconds": { "type": "number" },
                  "restarts": { "type": "integer" },
                  "playbackUrl": { "type": "string", "description": "The first output platform's playback_url, when it has one." },
                  "streamKey": { "type": "string", "description": "Admin tokens only." },
                  "lastError": { "type": "string", "description": "Absent while there is none." },
                  "outputs": { "type": "array", "items": { "$ref": "#/components/schemas/Output" } },
                  "ingest": { "$ref": "#/components/schemas/Ingest" },
                  "upstream": { "$ref": "#/components/schemas/Upstream" },
                  "viewers": { "type": "integer", "description": "The channel's audience on the seller's platform, when the source's companion counts it." },
                  "hlsViewers": { "type": "integer", "description": "Buyers watching on the outputs' platforms, summed over the outputs whose platforms count them." }
                }
              },
              "Upstream": {
                "type": "object",
                "additionalProperties": false,
                "description": "What the source's companion does for the relay outside the gateway, e.g. an upstream service publishing the source into the ingest (docs/api.md lists each source's).",
                "required": ["kind", "state", "attempt"],
                "properties": {
                  "kind": { "type": "string", "description": "What it manages, in its plugin's words." },
                  "id": { "type": "string", "description": "Its resource at that service, once it exists." },
                  "state": { "type": "string", "description": "The service's own word for the resource's state." },
                  "mode": { "type": "string", "description": "How it works for this relay, when it has modes." },
                  "attempt": { "type": "integer", "description": "Which creation of the resource this is (1 for the first)." },
                  "lastError": { "type": "string" }
                }
              },
              "WebhookReply": {
                "type": "object",
                "additionalProperties": false,
                "properties": { "result": { "type": "string" }, "error": { "type": "string" } }
              },
              "Ingest": {
                "type": "object",
                "additionalProperties": false,
                "description": "Relays whose source is pushed to (source type rtmp): where publishers push, and the publisher now.",
                "required": ["app", "state", "refused"],
                "properties": {
                  "url": { "type": "string", "description": "rtmp://host:port/app/key to publish to. Admin tokens only: it holds the stream key." },
                  "secureUrl": { "type": "string", "description": "The same over RTMPS, when ingest.rtmps is configured. Admin tokens only." },
                  "app": { "type": "string" },
                  "state": { "type": "string", "enum": ["waiting", "publishing"] },
                  "refused": { "type": "integer", "description": "Publishers refused on this key (a second publisher without takeover)." },
                  "publisher": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["address", "connectedSince", "uptimeSeconds", "bytesIn", "bitrateKbps", "dropped"],
                    "properties": {
                      "address": { "type": "string", "description": "ip:port of the publisher." },
                      "encoder": { "type": "string", "description": "The client's flashVer." },
                      "connectedSince": { "type": "string", "format": "date-time" },
                      "uptimeSeconds": { "type": "number" },
                      "bytesIn": { "type": "integer" },
                      "bitrateKbps": { "type": "number" },
                      "dropped": { "type": "integer", "description": "Media messages dropped because the relay fell behind." }
                    }
                  }
                }
              },
              "RelayList": {
                "type": "object",
                "additionalProperties": false,
                "required": ["relays"],
                "properties": { "relays": { "type": "array", "items": { "$ref": "#/components/schemas/Relay" } } }
              },
              "Status": {
                "type": "object",
                "additionalProperties": false,
                "required": ["status"],
                "properties": { "status": { "type": "string" } }
              },
              "Error": {
                "type": "object",
                "additionalProperties": false,
                "required": ["error"],
                "properties": {
                  "error": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["code", "message"],
                    "properties": {
                      "code": { "type": "string" },
                      "message": { "type": "string" },
                      "field": { "type": "string", "description": "The request field at fault, when there is one." }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
