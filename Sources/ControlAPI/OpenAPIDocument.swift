/// The OpenAPI 3.0 document of this API, served at `/openapi.json`. It is the single source:
/// edit it together with the handlers; the integration tests validate every response they
/// receive against it.
enum OpenAPIDocument {
    static let json = #"""
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
            "/v1/webhooks/agora": {
              "post": {
                "operationId": "agoraNotification",
                "summary": "Agora Notification Center (NCS) events. Authenticated by Agora-Signature-V2 (HMAC-SHA256 of the raw body with agora.ncs_secret), not by a bearer token.",
                "security": [],
                "parameters": [
                  { "name": "Agora-Signature-V2", "in": "header", "required": false, "schema": { "type": "string" } },
                  { "name": "Agora-Signature", "in": "header", "required": false, "schema": { "type": "string" } }
                ],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "type": "object" } } }
                },
                "responses": {
                  "200": { "description": "Handled (or a duplicate, stale or ignored event).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookReply" } } } },
                  "400": { "description": "Signed but unreadable.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookReply" } } } },
                  "401": { "description": "Missing or invalid signature; nothing was done.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookReply" } } } },
                  "413": { "$ref": "#/components/responses/Error" },
                  "503": { "description": "The gateway is starting.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/WebhookReply" } } } }
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
                  "errorClass": { "type": "string", "enum": ["destination", "source", "configuration", "internal"], "description": "Whose fault lastError is: destination (the platform refused, dropped or stalled us), source, configuration, or internal (relaygate). Absent while there is no error." }
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
                  "viewers": { "type": "integer", "description": "The channel's audience on Agora (source agora), when counted." }
                }
              },
              "Upstream": {
                "type": "object",
                "additionalProperties": false,
                "description": "What publishes the source into the ingest (source agora: its Media Push converter).",
                "required": ["kind", "state", "attempt"],
                "properties": {
                  "kind": { "type": "string", "enum": ["agora-media-push"] },
                  "id": { "type": "string", "description": "The converter id, once it exists." },
                  "state": { "type": "string", "description": "creating, connecting, running, failed or idle (destroyed by Agora after the seller left)." },
                  "mode": { "type": "string", "enum": ["raw", "transcode"] },
                  "attempt": { "type": "integer", "description": "Which converter creation this is (1 for the first)." },
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
