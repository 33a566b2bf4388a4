#!/usr/bin/env python3
"""Run the 1EdTech Open Badges validator (badgecheck 1.1.8) offline.

Usage:
    verify.py <url-or-file-path> [--recipient EMAIL] [--full] [--local-doc URL=PATH ...]

Input kinds handled:
  * hosted assertion URL (JSON)          -> the URL is given to openbadges.verify()
  * URL serving a compact JWS (e.g. .jws) -> the JWS text is downloaded and given to verify()
  * baked PNG (URL or file)               -> URL: given to verify() (it unbakes);
                                             file: the open file object is given to verify()
  * baked SVG (URL or file)               -> unbaked here with openbadges_bakery and the
                                             unbaked string (URL/JWS/JSON) is given to verify()
  * a local .json / .jws file             -> its text is given to verify()

Output: one JSON object on stdout
    {"valid": bool, "errorCount": n, "warningCount": n, "messages": [...], "input": {...}, ...}
Exit status: 0 = valid with zero errors, 1 = not valid, 2 = harness failure.

Network: every requests.Session created in this process gets a guard adapter.
`https://w3id.org/openbadges/v2` (the only remote document badgecheck needs) is
answered from the copy shipped inside badgecheck (openbadges_context.py); loopback
hosts (127.0.0.0/8, localhost, ::1) pass through; anything else is refused with a
ConnectionError, so the validator never leaves this machine.
"""
import argparse
import io
import ipaddress
import json
import os
import re
import sys
import traceback

import requests
from requests.adapters import HTTPAdapter

OB_V2_CONTEXT_URL = "https://w3id.org/openbadges/v2"
JWS_RE = re.compile(r"^[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+\.[A-Za-z0-9_\-=]+$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class HarnessError(Exception):
    pass


# --------------------------------------------------------------------------
# Offline patch
# --------------------------------------------------------------------------
def _is_loopback(host):
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _local_context_bytes():
    from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

    return json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode("utf-8")


# Extra documents answered locally (URL -> file path), from --local-doc URL=PATH,
# e.g. an extension's JSON-LD context that Laurel references at a public URL.
LOCAL_DOCS = {}


class OfflineGuardAdapter(HTTPAdapter):
    """Serves the OB v2 context locally, lets loopback through, refuses the rest."""

    served_context = 0

    def send(self, request, **kwargs):
        url = request.url
        parsed = requests.utils.urlparse(url)
        bare = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
        if bare == OB_V2_CONTEXT_URL:
            OfflineGuardAdapter.served_context += 1
            return self._context_response(request)
        for doc_url, path in LOCAL_DOCS.items():
            if bare == doc_url.split("#", 1)[0].rstrip("/"):
                with open(path, "rb") as fh:
                    return self._context_response(request, fh.read())
        if _is_loopback(parsed.hostname):
            return super().send(request, **kwargs)
        raise requests.exceptions.ConnectionError(
            "badgecheck harness is offline: refusing to fetch non-loopback URL %s" % url,
            request=request,
        )

    def _context_response(self, request, content=None):
        import urllib3

        if content is None:
            content = _local_context_bytes()
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(content),
            headers={"Content-Type": "application/ld+json", "Content-Length": str(len(content))},
            status=200,
            reason="OK",
            preload_content=False,
            decode_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


_patched = False


def install_offline_patch():
    """Must run before `openbadges` is imported (it builds sessions at import time)."""
    global _patched
    if _patched:
        return
    _patched = True
    original_init = requests.Session.__init__

    def patched_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        adapter = OfflineGuardAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    requests.Session.__init__ = patched_init

    # pyld's own default loader (used by jsonld.expand without options, e.g. in
    # openbadges.verifier.tasks.utils.is_ld_term_in_list) uses urllib, not requests:
    # route it through badgecheck's requests-based loader so it is guarded too.
    from pyld import jsonld
    from openbadges.verifier.utils import CachableDocumentLoader

    jsonld.set_document_loader(CachableDocumentLoader(use_cache=False))


def guarded_session():
    install_offline_patch()
    return requests.Session()


# --------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------
def _looks_like_svg(data):
    head = data[:1024]
    return b"<svg" in head


def _unbake_bytes(data):
    from openbadges_bakery import unbake

    try:
        value = unbake(io.BytesIO(data))
    except (IndexError, KeyError, ValueError):  # e.g. SVG without <openbadges:assertion>
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    return value


def prepare_input(target):
    """Return (badge_input, description) for openbadges.verify()."""
    if re.match(r"^https?://", target, re.I):
        session = guarded_session()
        resp = session.get(
            target,
            headers={"Accept": "application/ld+json, application/json, image/png, image/svg+xml, */*"},
        )
        body = resp.content
        ctype = resp.headers.get("Content-Type", "")
        text = None
        try:
            text = body.decode("utf-8").strip()
        except UnicodeDecodeError:
            pass
        if body.startswith(PNG_MAGIC):
            # badgecheck fetches the image itself and unbakes it (PROCESS_BAKED_RESOURCE).
            return target, {"kind": "png-url", "status": resp.status_code, "contentType": ctype}
        if _looks_like_svg(body):
            unbaked = _unbake_bytes(body)
            if not unbaked:
                raise NoBadgeData("no openbadges:assertion in SVG at %s" % target)
            return unbaked.strip(), {"kind": "svg-url", "status": resp.status_code, "contentType": ctype}
        if text is not None and JWS_RE.match(text):
            return text, {"kind": "jws-url", "status": resp.status_code, "contentType": ctype}
        # JSON (hosted assertion) or anything else: let badgecheck fetch and judge it.
        return target, {"kind": "url", "status": resp.status_code, "contentType": ctype}

    if not os.path.exists(target):
        raise HarnessError("not a URL and no such file: %s" % target)
    with open(target, "rb") as fh:
        data = fh.read()
    if data.startswith(PNG_MAGIC):
        if not _unbake_bytes(data):
            raise NoBadgeData("no openbadges iTXt chunk in PNG %s" % target)
        # Hand badgecheck the file object: it unbakes PNGs itself.
        return open(target, "rb"), {"kind": "png-file"}
    if _looks_like_svg(data):
        unbaked = _unbake_bytes(data)
        if not unbaked:
            raise NoBadgeData("no openbadges:assertion in SVG %s" % target)
        return unbaked.strip(), {"kind": "svg-file"}
    text = data.decode("utf-8").strip()
    if JWS_RE.match(text):
        return text, {"kind": "jws-file"}
    return text, {"kind": "text-file"}


class NoBadgeData(Exception):
    pass


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
def summarize(result, prepared):
    report = result.get("report", {})
    messages = []
    for m in report.get("messages", []):
        entry = {"level": m.get("messageLevel"), "name": m.get("name"), "result": m.get("result")}
        if m.get("node_id"):
            entry["node_id"] = m["node_id"]
        if m.get("prop_name"):
            entry["prop_name"] = m["prop_name"]
        messages.append(entry)
    inp = dict(result.get("input", {}))
    inp["harness"] = prepared
    out = {
        "valid": bool(report.get("valid")),
        "errorCount": report.get("errorCount", 0),
        "warningCount": report.get("warningCount", 0),
        "messages": messages,
        "input": inp,
        "validationSubject": report.get("validationSubject"),
        "openBadgesVersion": report.get("openBadgesVersion"),
    }
    if report.get("recipientProfile"):
        out["recipientProfile"] = report["recipientProfile"]
    return out


def check_environment():
    """python-jose 3.2.0 prefers the `cryptography` backend when that package is
    importable; that backend cannot take the pycryptodome key object badgecheck
    builds in tasks/crypto.py:verify_jws_signature, so every signed badge would
    fail. Refuse to run in such a venv instead of giving false verdicts."""
    import jose.backends

    backend = getattr(jose.backends, "RSAKey", None)
    if backend is None or "pycrypto_backend" not in backend.__module__:
        raise HarnessError(
            "python-jose uses %r; badgecheck needs jose.backends.pycrypto_backend "
            "(uninstall `cryptography` from this venv)" % (backend,))


def run(target, recipient=None, full=False):
    install_offline_patch()
    check_environment()
    from openbadges import verify

    try:
        badge_input, prepared = prepare_input(target)
    except NoBadgeData as e:
        return {
            "valid": False,
            "errorCount": 1,
            "warningCount": 0,
            "messages": [{"level": "ERROR", "name": "HARNESS_UNBAKE", "result": str(e)}],
            "input": {"value": target},
        }
    profile = {"email": recipient} if recipient else None
    try:
        result = verify(badge_input, recipient_profile=profile)
    finally:
        if hasattr(badge_input, "close"):
            badge_input.close()
    if full:
        return result
    return summarize(result, prepared)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", help="assertion URL, .jws URL, baked PNG/SVG URL or file path")
    parser.add_argument("--recipient", metavar="EMAIL", help="check the assertion was awarded to this email")
    parser.add_argument("--full", action="store_true", help="print badgecheck's full result (graph + report)")
    parser.add_argument("--local-doc", action="append", default=[], metavar="URL=PATH",
                        help="answer URL from the local file PATH instead of refusing it (repeatable)")
    args = parser.parse_args(argv)
    for spec in args.local_doc:
        doc_url, sep, path = spec.partition("=")
        if not sep or not os.path.isfile(path):
            parser.error("--local-doc wants URL=PATH of an existing file: %r" % spec)
        LOCAL_DOCS[doc_url] = path
    try:
        out = run(args.target, args.recipient, args.full)
    except Exception as e:  # harness failure, not a validation verdict
        json.dump({"harnessError": "%s: %s" % (type(e).__name__, e),
                   "traceback": traceback.format_exc()}, sys.stdout)
        sys.stdout.write("\n")
        return 2
    json.dump(out, sys.stdout, indent=1 if args.full else None, default=str)
    sys.stdout.write("\n")
    if args.full:
        rep = out.get("report", {})
        return 0 if rep.get("valid") and rep.get("errorCount", 0) == 0 else 1
    return 0 if out["valid"] and out["errorCount"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
