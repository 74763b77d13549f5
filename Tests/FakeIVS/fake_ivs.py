#!/usr/bin/env python3
"""A local stand-in for Amazon IVS (low-latency channels) for relaygate's tests.

It follows /work/shared/reference/platforms.md §2 and the IVS model (botocore's
ivs/2020-07-14/service-2.json): restJson1, every operation a signed `POST /<Operation>`.

- Every request's SigV4 signature is recomputed with botocore's own signer (sigv4_check.py):
  an unknown access key or session token answers 403 UnrecognizedClientException, a wrong
  signature, scope or date 403 InvalidSignatureException, no Authorization header 403
  MissingAuthenticationTokenException, as AWS does (`x-amzn-errortype`, body `{"message"}`).
- Channel CRUD (Create/Get/List/DeleteChannel) goes to moto's IVS backend after the input is
  validated as the model says; GetStream, StopStream and Get/List/Create/DeleteStreamKey
  (one key per channel) are kept here; DeleteChannel of a live channel → 409 Conflict
  (ivs_service.py). Service errors answer `x-amzn-errortype` and `{"exceptionMessage"}`.
- A control server on a second port (unsigned, JSON): POST /live {channelArn, viewerCount?,
  health?}, /offline {channelArn}, /viewers {channelArn, viewerCount}, /health {channelArn,
  health}, /fail {operation, count, error}, /ingest {endpoint}; GET /requests (every API
  request: operation, method, path, body, signedHeaders, status, error), /channels, /ping.

Usage: fake_ivs.py --port P --control-port C --region R --access-key-id ID, with the secret
and optional session token in FAKE_IVS_SECRET_ACCESS_KEY / FAKE_IVS_SESSION_TOKEN.
"""

import argparse
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ivs_service import IVSError, Service, token  # noqa: E402
from sigv4_check import SignatureCheck  # noqa: E402


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no access log, GET and POST both go to `serve`."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()


def make_api_handler(service, check):
    class Handler(QuietHandler):

        def serve(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            operation = self.path.split("?")[0].lstrip("/")
            record = {"operation": operation, "method": self.command, "path": self.path,
                      "body": decode_json(body), "signedHeaders": signed_header_names(headers)}
            try:
                check.verify(self.command, self.path, headers, body)
                if self.command != "POST":
                    raise IVSError("UnknownOperationException", f"{self.command} {self.path}", 404, "message")
                parsed = decode_json(body)
                if not isinstance(parsed, dict):
                    raise IVSError("ValidationException", "the body is not a JSON object")
                status, reply = service.handle(operation, parsed)
                record.update(status=status)
                self.reply(status, reply, {})
            except IVSError as error:
                record.update(status=error.status, error=error.name)
                self.reply(error.status, {error.body_field: error.message},
                           {"x-amzn-errortype": f"{error.name}:http://internal.amazon.com/coral/com.amazonaws.ivs/"})
            finally:
                with service.state.lock:
                    service.state.requests.append(record)

        def reply(self, status, body, headers):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("x-amzn-requestid", token(8))
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def make_control_handler(service):
    class Handler(QuietHandler):

        def serve(self):
            body = decode_json(self.rfile.read(int(self.headers.get("Content-Length") or 0))) or {}
            try:
                status, reply = service.control(self.command, self.path, body)
            except (KeyError, ValueError, TypeError) as error:
                status, reply = 400, {"error": f"bad control request: {error!r}"}
            data = b"" if reply is None else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def decode_json(data):
    try:
        return json.loads(data) if data.strip() else {}
    except ValueError:
        return data.decode("utf-8", "replace")


def signed_header_names(headers):
    match = re.search(r"SignedHeaders=([a-z0-9;-]+)", headers.get("authorization", ""))
    return match.group(1).split(";") if match else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control-port", type=int, required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--access-key-id", required=True)
    args = parser.parse_args()
    service = Service(args.region)
    check = SignatureCheck(args.access_key_id, os.environ.get("FAKE_IVS_SECRET_ACCESS_KEY", ""),
                           os.environ.get("FAKE_IVS_SESSION_TOKEN") or None, args.region)
    control = ThreadingHTTPServer(("127.0.0.1", args.control_port), make_control_handler(service))
    threading.Thread(target=control.serve_forever, daemon=True).start()
    api = ThreadingHTTPServer(("127.0.0.1", args.port), make_api_handler(service, check))
    print(f"fake IVS on 127.0.0.1:{args.port}, control on 127.0.0.1:{args.control_port}", flush=True)
    api.serve_forever()


if __name__ == "__main__":
    main()
