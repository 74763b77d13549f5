"""SigV4 as AWS checks it, for the fake IVS: the signature is recomputed with botocore's own
signer (an implementation independent of the client under test) from the request and the
secret the fake knows, over exactly the headers the client says it signed."""

import datetime
import hashlib
import re

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ivs_service import IVSError


class SignatureCheck:
    def __init__(self, access_key_id, secret, session_token, region):
        self.access_key_id, self.secret, self.session_token, self.region = access_key_id, secret, session_token, region

    def verify(self, method, raw_path, headers, body):
        auth = headers.get("authorization")
        if not auth:
            raise IVSError("MissingAuthenticationTokenException", "Missing Authentication Token", 403, "message")
        match = re.match(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$", auth)
        if not match:
            raise IVSError("IncompleteSignatureException", "Authorization header is malformed", 400, "message")
        key_id, day, region, service, signed_headers, signature = match.groups()
        if key_id != self.access_key_id:
            raise IVSError("UnrecognizedClientException", "The security token included in the request is invalid.",
                           403, "message")
        if headers.get("x-amz-security-token") != self.session_token:
            raise IVSError("UnrecognizedClientException", "The security token included in the request is invalid.",
                           403, "message")
        amz_date = headers.get("x-amz-date", "")
        names = signed_headers.split(";")
        problems = []
        if region != self.region or service != "ivs":
            problems.append(f"Credential should be scoped to a valid region and service 'ivs' in '{self.region}'.")
        if not amz_date.startswith(day):
            problems.append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date.")
        for required in ("host", "x-amz-date"):
            if required not in names:
                problems.append(f"'{required}' must be a signed header.")
        if "x-amz-security-token" in headers and "x-amz-security-token" not in names:
            problems.append("'x-amz-security-token' must be a signed header.")
        if "x-amz-content-sha256" in headers and headers["x-amz-content-sha256"] != hashlib.sha256(body).hexdigest():
            problems.append("The provided 'x-amz-content-sha256' header does not match what was computed.")
        try:
            when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
            if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 300:
                problems.append("Signature expired: the request time is more than 5 minutes away from now.")
        except ValueError:
            problems.append("x-amz-date is not in the form YYYYMMDDTHHMMSSZ.")
        if problems:
            raise IVSError("InvalidSignatureException", " ".join(problems), 403, "message")
        # Rebuild the request from exactly the headers the client says it signed, and let
        # botocore sign it with the secret we know.
        request = AWSRequest(method=method, url=f"http://{headers.get('host', '')}{raw_path}", data=body,
                             headers={name: headers.get(name, "") for name in names})
        request.context["timestamp"] = amz_date
        signer = SigV4Auth(Credentials(key_id, self.secret, self.session_token), "ivs", self.region)
        canonical = signer.canonical_request(request)
        expected_names = signer.signed_headers(signer.headers_to_sign(request))
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if expected_names != signed_headers or expected != signature:
            # AWS quotes what it computed, canonical request (session token included) and all.
            raise IVSError("InvalidSignatureException",
                           "The request signature we calculated does not match the signature you provided. "
                           "Check your AWS Secret Access Key and signing method. "
                           "Consult the service documentation for details.\n\n"
                           f"The Canonical String for this request should have been\n'{canonical}'\n\n"
                           f"The String-to-Sign should have been\n'{string_to_sign}'\n", 403, "message")
