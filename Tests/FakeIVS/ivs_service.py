"""The fake IVS service: channel CRUD on moto's IVS backend (after validating the input as the
IVS model does: moto checks nothing), streams and stream keys kept here, and the control
operations a test drives. Errors are `IVSError`s, answered as restJson1 errors."""

import datetime
import http.client
import json
import random
import re
import socket
import string
import threading

from moto.server import ThreadedMotoServer

# HTTP status of each error name, from the model's error shapes.
ERROR_STATUS = {
    "AccessDeniedException": 403, "ResourceNotFoundException": 404, "ChannelNotBroadcasting": 404,
    "ConflictException": 409, "ServiceQuotaExceededException": 402, "ThrottlingException": 429,
    "StreamUnavailable": 503, "InternalServerException": 500, "ValidationException": 400,
    "PendingVerification": 403,
}
CHANNEL_ARN = re.compile(r"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel/[a-zA-Z0-9-]+$")
STREAM_KEY_ARN = re.compile(r"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stream-key/[a-zA-Z0-9-]+$")
CHANNEL_NAME = re.compile(r"^[a-zA-Z0-9-_]*$")
TAG_TEXT = re.compile(r"^[\w\s_.:/=+\-@]*$")
PAGINATION_TOKEN = re.compile(r"^[a-zA-Z0-9+/=_-]*$")
SUMMARY_FIELDS = ("arn", "name", "latencyMode", "authorized", "recordingConfigurationArn", "tags",
                  "insecureIngest", "type", "preset", "playbackRestrictionPolicyArn")
MOTO_OPERATIONS = ("CreateChannel", "GetChannel", "ListChannels", "DeleteChannel")
OWN_OPERATIONS = ("GetStream", "StopStream", "GetStreamKey", "ListStreamKeys", "CreateStreamKey", "DeleteStreamKey")


class IVSError(Exception):
    def __init__(self, name, message, status=None, body_field="exceptionMessage"):
        super().__init__(message)
        self.name, self.message = name, message
        self.status = status or ERROR_STATUS[name]
        self.body_field = body_field


def invalid(message):
    return IVSError("ValidationException", message)


class State:
    """What the fake keeps beside moto: per channel its live stream and stream keys."""

    def __init__(self):
        self.lock = threading.Lock()
        self.channels = {}  # arn -> {"live", "viewerCount", "health", "streamId", "startTime", "keys": {arn: key}}
        self.failures = {}  # operation -> [error name, ...] consumed one per call
        self.requests = []
        self.ingest_endpoint = None

    def channel(self, arn):
        channel = self.channels.get(arn)
        if channel is None:
            raise IVSError("ResourceNotFoundException", f"Resource: {arn} not found")
        return channel


class Service:
    def __init__(self, region):
        self.region = region
        self.state = State()
        self.moto_port = free_port()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.moto_port, verbose=False)
        self.moto.start()

    # --- operations ---------------------------------------------------------------------

    def handle(self, operation, body):
        with self.state.lock:
            queue = self.state.failures.get(operation)
            if queue:
                name = queue.pop(0)
                raise IVSError(name, f"injected {name}")
        if operation in MOTO_OPERATIONS:
            return getattr(self, operation)(body)
        if operation in OWN_OPERATIONS:
            with self.state.lock:
                return getattr(self, operation)(body)
        raise IVSError("UnknownOperationException", f"Unknown operation {operation}", 404, "message")

    def moto_call(self, operation, body):
        connection = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=10)
        try:
            # moto picks service and region from the credential scope; it checks no signature.
            connection.request("POST", f"/{operation}", body=json.dumps(body), headers={
                "Content-Type": "application/json", "Host": f"ivs.{self.region}.amazonaws.com",
                "Authorization": f"AWS4-HMAC-SHA256 Credential=fake/20200101/{self.region}/ivs/aws4_request, "
                                 "SignedHeaders=host, Signature=0"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        reply = json.loads(data) if data.strip() else {}
        if response.status >= 300:
            name = response.getheader("x-amzn-errortype") or reply.get("__type") or "InternalServerException"
            raise IVSError(name.split(":")[0], reply.get("message", "moto failed"), response.status)
        return reply

    def with_ingest(self, channel):
        if self.state.ingest_endpoint:
            channel["ingestEndpoint"] = self.state.ingest_endpoint
        return channel

    def CreateChannel(self, body):
        name = body.get("name", "")
        if not isinstance(name, str) or len(name) > 128 or not CHANNEL_NAME.match(name):
            raise invalid("name must match ^[a-zA-Z0-9-_]*$ and be at most 128 characters")
        if body.get("latencyMode", "LOW") not in ("NORMAL", "LOW"):
            raise invalid("latencyMode must be one of NORMAL, LOW")
        kind = body.get("type", "STANDARD")
        if kind not in ("BASIC", "STANDARD", "ADVANCED_SD", "ADVANCED_HD"):
            raise invalid("type must be one of BASIC, STANDARD, ADVANCED_SD, ADVANCED_HD")
        if "preset" in body and not kind.startswith("ADVANCED_"):
            raise invalid("preset is only for ADVANCED_SD and ADVANCED_HD channels")
        for flag in ("authorized", "insecureIngest"):
            if flag in body and not isinstance(body[flag], bool):
                raise invalid(f"{flag} must be a boolean")
        check_tags(body.get("tags", {}))
        reply = self.moto_call("CreateChannel", body)
        with self.state.lock:
            key = reply["streamKey"]
            self.state.channels[reply["channel"]["arn"]] = {
                "live": False, "viewerCount": 0, "health": "HEALTHY", "streamId": None, "startTime": None,
                "keys": {key["arn"]: key}}
            self.with_ingest(reply["channel"])
        return 200, reply

    def GetChannel(self, body):
        arn = require(body, "arn", CHANNEL_ARN)
        reply = self.moto_call("GetChannel", {"arn": arn})
        with self.state.lock:
            self.with_ingest(reply["channel"])
        return 200, reply

    def ListChannels(self, body):
        if "maxResults" in body and not (isinstance(body["maxResults"], int) and 1 <= body["maxResults"] <= 100):
            raise invalid("maxResults must be 1-100")
        if "filterByName" in body and not CHANNEL_NAME.match(str(body["filterByName"])):
            raise invalid("filterByName must match ^[a-zA-Z0-9-_]*$")
        if "nextToken" in body and not PAGINATION_TOKEN.match(str(body["nextToken"])):
            raise invalid("nextToken is malformed")
        reply = self.moto_call("ListChannels", body)
        # The model's ChannelSummary: no ingest endpoint or playback URL in a list.
        channels = [{k: v for k, v in channel.items() if k in SUMMARY_FIELDS} for channel in reply["channels"]]
        out = {"channels": channels}
        if reply.get("nextToken"):
            out["nextToken"] = reply["nextToken"]
        return 200, out

    def DeleteChannel(self, body):
        arn = require(body, "arn", CHANNEL_ARN)
        with self.state.lock:
            if self.state.channels.get(arn, {}).get("live"):
                raise IVSError("ConflictException", "Unable to delete a channel that is live; stop the stream first.")
        self.moto_call("DeleteChannel", {"arn": arn})
        with self.state.lock:
            self.state.channels.pop(arn, None)
        return 204, None

    def GetStream(self, body):
        arn = require(body, "channelArn", CHANNEL_ARN)
        channel = self.state.channel(arn)
        if not channel["live"]:
            raise IVSError("ChannelNotBroadcasting", "The stream is offline for the given channel ARN")
        moto_channel = self.moto_call("GetChannel", {"arn": arn})["channel"]
        return 200, {"stream": {
            "channelArn": arn, "streamId": channel["streamId"], "playbackUrl": moto_channel["playbackUrl"],
            "startTime": channel["startTime"], "state": "LIVE", "health": channel["health"],
            "viewerCount": channel["viewerCount"]}}

    def StopStream(self, body):
        arn = require(body, "channelArn", CHANNEL_ARN)
        channel = self.state.channel(arn)
        if not channel["live"]:
            raise IVSError("ChannelNotBroadcasting", "The stream is offline for the given channel ARN")
        channel["live"] = False
        return 200, {}

    def GetStreamKey(self, body):
        arn = require(body, "arn", STREAM_KEY_ARN)
        for channel in self.state.channels.values():
            if arn in channel["keys"]:
                return 200, {"streamKey": channel["keys"][arn]}
        raise IVSError("ResourceNotFoundException", f"Resource: {arn} not found")

    def ListStreamKeys(self, body):
        arn = require(body, "channelArn", CHANNEL_ARN)
        if "maxResults" in body and not (isinstance(body["maxResults"], int) and 1 <= body["maxResults"] <= 50):
            raise invalid("maxResults must be 1-50")
        keys = self.state.channel(arn)["keys"].values()
        return 200, {"streamKeys": [{k: v for k, v in key.items() if k != "value"} for key in keys]}

    def CreateStreamKey(self, body):
        arn = require(body, "channelArn", CHANNEL_ARN)
        tags = body.get("tags", {})
        check_tags(tags)
        channel = self.state.channel(arn)
        if channel["keys"]:
            raise IVSError("ServiceQuotaExceededException", "Limit of 1 stream key per channel exceeded")
        key_arn = arn.replace(":channel/", ":stream-key/").rsplit("/", 1)[0] + "/" + token(12)
        key = {"arn": key_arn, "channelArn": arn, "tags": tags, "value": f"sk_{self.region}_{token(36)}"}
        channel["keys"][key_arn] = key
        return 200, {"streamKey": key}

    def DeleteStreamKey(self, body):
        arn = require(body, "arn", STREAM_KEY_ARN)
        for channel in self.state.channels.values():
            if channel["keys"].pop(arn, None) is not None:
                return 204, None
        raise IVSError("ResourceNotFoundException", f"Resource: {arn} not found")

    # --- control ------------------------------------------------------------------------

    def control(self, method, path, body):
        state = self.state
        with state.lock:
            if method == "GET" and path == "/ping":
                return 200, {"ok": True}
            if method == "GET" and path == "/requests":
                return 200, state.requests
            if method == "GET" and path == "/channels":
                return 200, {arn: {k: v for k, v in c.items() if k != "keys"} | {"streamKeys": list(c["keys"])}
                             for arn, c in state.channels.items()}
            if method != "POST":
                return 404, {"error": "unknown control endpoint"}
            if path == "/ingest":
                state.ingest_endpoint = body["endpoint"]
                return 204, None
            if path == "/fail":
                name = body["error"]
                if name not in ERROR_STATUS:
                    return 400, {"error": f"unknown error {name}"}
                state.failures.setdefault(body["operation"], []).extend([name] * int(body.get("count", 1)))
                return 204, None
            channel = state.channels.get(body.get("channelArn"))
            if channel is None:
                return 404, {"error": "no such channel"}
            if path == "/live":
                if not channel["keys"]:
                    return 409, {"error": "the channel has no stream key: nothing can publish to it"}
                if not channel["live"]:
                    channel.update(live=True, streamId="st-" + token(23),
                                   startTime=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
                channel["viewerCount"] = int(body.get("viewerCount", channel["viewerCount"]))
                channel["health"] = body.get("health", channel["health"])
                return 204, None
            if path == "/offline":
                channel["live"] = False
                return 204, None
            if path == "/viewers":
                channel["viewerCount"] = int(body["viewerCount"])
                return 204, None
            if path == "/health":
                if body["health"] not in ("HEALTHY", "STARVING", "UNKNOWN"):
                    return 400, {"error": "health must be HEALTHY, STARVING or UNKNOWN"}
                channel["health"] = body["health"]
                return 204, None
            return 404, {"error": "unknown control endpoint"}


def require(body, field, pattern):
    value = body.get(field)
    if not isinstance(value, str) or len(value) > 128 or not pattern.match(value):
        raise invalid(f"{field} is missing or not a valid ARN")
    return value


def check_tags(tags):
    if not isinstance(tags, dict) or len(tags) > 50:
        raise invalid("tags must be a map of at most 50 entries")
    for key, value in tags.items():
        if not (1 <= len(key) <= 128 and TAG_TEXT.match(key)) or not (
                isinstance(value, str) and len(value) <= 256 and TAG_TEXT.match(value)):
            raise invalid(f"tag {key!r} is not a valid key (1-128 characters) and value (at most 256)")


def token(length):
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(length))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
