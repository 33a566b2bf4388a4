#!/usr/bin/env python3
"""Self-test of the badgecheck harness, without Laurel.

Run with the venv's interpreter (setup.sh creates it):
    "$BADGECHECK_VENV/bin/python" selftest.py [-v] [-k SUBSTRING]

It generates an RSA-2048 key, serves a minimal Open Badges 2.0 issuer / key /
badge class / assertions / revocation list on 127.0.0.1:<free port> with
http.server, runs verify.py (as a subprocess, exactly as a user would) on each
case and checks the verdict. Besides the main cases (hosted, signed, revoked,
baked PNG and SVG) it pins down the validator behaviours documented in
README.md ("probe" cases), so a change in them shows up as a failure here.

Ends with a line "N passed, N failed"; exit status 0 only if nothing failed.
"""
import argparse
import base64
import hashlib
import http.server
import io
import json
import os
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import uuid
import zlib

from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15

HERE = os.path.dirname(os.path.abspath(__file__))
VERIFY = os.path.join(HERE, "verify.py")
CTX = "https://w3id.org/openbadges/v2"
RECIPIENT = "alice@example.org"
SALT = "deadsea"
ISSUED = "2024-01-02T03:04:05Z"


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jws(payload, key, header=None):
    header = header or {"alg": "RS256"}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode()))
    sig = pkcs1_15.new(key).sign(SHA256.new(signing_input.encode("ascii")))
    return signing_input + "." + b64url(sig)


def tiny_png(rgb=(200, 30, 30), size=4):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


TINY_SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">'
            b'<circle cx="8" cy="8" r="7" fill="#c82"/></svg>')


def bake(image_bytes, payload_string):
    from openbadges_bakery import bake as _bake

    out = _bake(io.BytesIO(image_bytes), payload_string)
    out.seek(0)
    data = out.read()
    out.close()
    return data


def hashed_recipient(email, salt=SALT):
    return {"type": "email", "hashed": True, "salt": salt,
            "identity": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()}


# --------------------------------------------------------------------------
# tiny in-memory web server
# --------------------------------------------------------------------------
ROUTES = {}  # path -> (status, content_type, body bytes)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        status, ctype, body = ROUTES.get(path, (404, "text/html", b"<html>not found</html>"))
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        if os.environ.get("SELFTEST_HTTP_LOG"):
            sys.stderr.write("[http] " + fmt % args + "\n")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_json(path, doc, status=200, ctype="application/json"):
    ROUTES[path] = (status, ctype, json.dumps(doc).encode())


# --------------------------------------------------------------------------
# documents
# --------------------------------------------------------------------------
class BadgeSet(object):
    """Issuer + key + badge class under BASE/<prefix>/..., all on one origin."""

    def __init__(self, base, prefix, key, issuer_extra=None, key_doc_extra=None, key_drop=(),
                 issuer_drop=(), revoked=None, json_ctype="application/json", public_key="url"):
        self.base = base
        self.p = "/" + prefix
        self.url = lambda path: base + self.p + path
        self.key = key
        self.issuer_id = self.url("/issuer")
        self.key_id = self.url("/key")
        self.badge_id = self.url("/badge")
        self.revocations_id = self.url("/revocations")
        self.image_id = self.url("/badge.png")
        self.json_ctype = json_ctype
        pem = key.publickey().export_key("PEM").decode()

        key_doc = {"@context": CTX, "type": "CryptographicKey", "id": self.key_id,
                   "owner": self.issuer_id, "publicKeyPem": pem}
        key_doc.update(key_doc_extra or {})
        for k in key_drop:
            key_doc.pop(k, None)

        issuer = {"@context": CTX, "type": "Issuer", "id": self.issuer_id, "name": "Selftest Issuer",
                  "url": base + "/", "email": "issuer@example.org",
                  "publicKey": self.key_id, "revocationList": self.revocations_id}
        if public_key == "embedded":
            issuer["publicKey"] = {k: v for k, v in key_doc.items() if k != "@context"}
        elif public_key == "array1":
            issuer["publicKey"] = [self.key_id]
        elif public_key == "array2":
            issuer["publicKey"] = [self.key_id, self.url("/key-old")]
        issuer.update(issuer_extra or {})
        for k in issuer_drop:
            issuer.pop(k, None)

        badge = {"@context": CTX, "type": "BadgeClass", "id": self.badge_id, "name": "Selftest Badge",
                 "description": "A badge served by selftest.py", "image": self.image_id,
                 "criteria": {"narrative": "Run the self-test."}, "issuer": self.issuer_id}
        revocations = {"@context": CTX, "type": "RevocationList", "id": self.revocations_id,
                       "issuer": self.issuer_id,
                       "revokedAssertions": revoked if revoked is not None else [
                           {"id": "urn:uuid:" + str(uuid.uuid4()), "revocationReason": "placeholder"},
                           "urn:uuid:" + str(uuid.uuid4())]}
        self.docs = {"/issuer": issuer, "/key": key_doc, "/badge": badge, "/revocations": revocations}
        for path, doc in self.docs.items():
            serve_json(self.p + path, doc, ctype=json_ctype)
        ROUTES[self.p + "/badge.png"] = (200, "image/png", tiny_png())

    def assertion(self, aid, signed=False, **extra):
        doc = {"@context": CTX, "type": "Assertion", "id": aid, "recipient": hashed_recipient(RECIPIENT),
               "badge": self.badge_id, "issuedOn": ISSUED,
               "verification": ({"type": "SignedBadge", "creator": self.key_id} if signed
                                else {"type": "hosted"})}
        doc.update(extra)
        return doc

    def hosted(self, name, status=200, ctype=None, **extra):
        aid = self.url("/assertions/" + name)
        doc = self.assertion(aid, **extra)
        serve_json(self.p + "/assertions/" + name, doc, status=status, ctype=ctype or self.json_ctype)
        return aid, doc

    def signed(self, name, aid=None, key=None, **extra):
        aid = aid or "urn:uuid:" + str(uuid.uuid4())
        doc = self.assertion(aid, signed=True, **extra)
        jws = sign_jws(doc, key or self.key)
        ROUTES[self.p + "/assertions/" + name + ".jws"] = (200, "text/plain", jws.encode())
        return self.url("/assertions/" + name + ".jws"), aid, jws


# --------------------------------------------------------------------------
# running verify.py
# --------------------------------------------------------------------------
def run_verify(target, recipient=None):
    cmd = [sys.executable, VERIFY, target]
    if recipient:
        cmd += ["--recipient", recipient]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    try:
        out = json.loads(proc.stdout.decode())
    except ValueError:
        out = {"unparsable_stdout": proc.stdout.decode()[-2000:]}
    return proc.returncode, out, proc.stderr.decode()


def errors_of(out):
    return [m["result"] for m in out.get("messages", []) if m.get("level") == "ERROR"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("-k", dest="filter", help="run only cases whose name contains this")
    args = ap.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    base = "http://127.0.0.1:%d" % port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="badgecheck-selftest-")

    key = RSA.generate(2048)
    other_key = RSA.generate(2048)

    cases = []  # (name, target, recipient, expect_valid, must_contain_error_substring)

    def case(name, target, expect_valid, recipient=None, error_has=None):
        cases.append((name, target, recipient, expect_valid, error_has))

    # ---- main set ---------------------------------------------------------
    main_set = BadgeSet(base, "main", key)
    hosted_url, hosted_doc = main_set.hosted("hosted-1")
    signed_url, signed_id, signed_jws = main_set.signed("signed-1")
    revoked_url, revoked_id, _ = main_set.signed("signed-revoked")
    # re-serve revocation list naming the revoked assertion (dict entry with reason + a plain string)
    main_set.docs["/revocations"]["revokedAssertions"] = [
        {"id": revoked_id, "revocationReason": "Issued in error"}, "urn:uuid:" + str(uuid.uuid4())]
    serve_json("/main/revocations", main_set.docs["/revocations"])

    case("hosted assertion URL", hosted_url, True)
    case("hosted assertion URL + matching --recipient", hosted_url, True, recipient=RECIPIENT)
    case("hosted assertion URL + wrong --recipient", hosted_url, False, recipient="mallory@example.org",
         error_has="did not match")
    case("signed assertion (.jws URL)", signed_url, True)
    jws_file = os.path.join(tmp, "signed.jws")
    with open(jws_file, "w") as fh:
        fh.write(signed_jws)
    case("signed assertion (.jws file)", jws_file, True)
    case("signed assertion listed in revocationList", revoked_url, False, error_has="has been revoked")

    # baked images of the hosted assertion
    baked_png = bake(tiny_png(), json.dumps(hosted_doc))
    baked_svg = bake(TINY_SVG, json.dumps(hosted_doc))
    ROUTES["/main/baked/hosted.png"] = (200, "image/png", baked_png)
    ROUTES["/main/baked/hosted.svg"] = (200, "image/svg+xml", baked_svg)
    png_file, svg_file = os.path.join(tmp, "hosted.png"), os.path.join(tmp, "hosted.svg")
    with open(png_file, "wb") as fh:
        fh.write(baked_png)
    with open(svg_file, "wb") as fh:
        fh.write(baked_svg)
    case("baked PNG file (hosted)", png_file, True, recipient=RECIPIENT)
    case("baked SVG file (hosted)", svg_file, True, recipient=RECIPIENT)
    case("baked PNG URL (hosted)", base + "/main/baked/hosted.png", True)
    case("baked SVG URL (hosted)", base + "/main/baked/hosted.svg", True)
    # baked images of the signed assertion (JWS in iTXt / verify attribute)
    sbaked_png = bake(tiny_png(), signed_jws)
    sbaked_svg = bake(TINY_SVG, signed_jws)
    spng_file, ssvg_file = os.path.join(tmp, "signed.png"), os.path.join(tmp, "signed.svg")
    with open(spng_file, "wb") as fh:
        fh.write(sbaked_png)
    with open(ssvg_file, "wb") as fh:
        fh.write(sbaked_svg)
    case("baked PNG file (signed)", spng_file, True)
    case("baked SVG file (signed)", ssvg_file, True)
    plain_png = os.path.join(tmp, "plain.png")
    with open(plain_png, "wb") as fh:
        fh.write(tiny_png())
    case("unbaked PNG file", plain_png, False, error_has="no openbadges")

    # ---- probes: the behaviours README.md documents ------------------------
    s = BadgeSet(base, "ldjson", key, json_ctype="application/ld+json")
    case("probe: all JSON served as application/ld+json (hosted)", s.hosted("a")[0], True)
    case("probe: all JSON served as application/ld+json (signed)", s.signed("a")[0], True)
    s = BadgeSet(base, "textplain", key, json_ctype="text/plain")
    case("probe: all JSON served as text/plain (content type ignored)", s.hosted("a")[0], True)
    case("probe: signed, JSON served as text/plain", s.signed("a")[0], True)

    s = BadgeSet(base, "noowner", key, key_drop=("owner",))
    case("probe: CryptographicKey without owner", s.signed("a")[0], True)
    s = BadgeSet(base, "notype", key, key_drop=("type",))
    case("probe: CryptographicKey without type", s.signed("a")[0], True)
    s = BadgeSet(base, "wrongowner", key, key_doc_extra={"owner": base + "/someone-else"})
    case("probe: CryptographicKey owner not the issuer (not checked)", s.signed("a")[0], True)
    s = BadgeSet(base, "nopubkey", key, issuer_drop=("publicKey",))
    case("probe: issuer without publicKey", s.signed("a")[0], False, error_has="other than those authorized")
    s = BadgeSet(base, "array1", key, public_key="array1")
    case("probe: issuer.publicKey = [one key URL]", s.signed("a")[0], True)
    s = BadgeSet(base, "array2", key, public_key="array2")
    ROUTES["/array2/key-old"] = ROUTES["/array2/key"]
    case("probe: issuer.publicKey = [two key URLs]", s.signed("a")[0], False,
         error_has="more than the single allowed value")
    s = BadgeSet(base, "embedded", key, public_key="embedded")
    case("probe: issuer.publicKey embedded object", s.signed("a")[0], False)
    s = BadgeSet(base, "badsig", key)
    case("probe: signed with a key other than publicKeyPem", s.signed("a", key=other_key)[0], False,
         error_has="failed verification")
    s = BadgeSet(base, "httpid", key)
    case("probe: signed assertion with an http(s) id", s.signed("a", aid=s.url("/assertions/a"))[0], True)

    s = BadgeSet(base, "norevlist", key, issuer_drop=("revocationList",))
    case("probe: signed, issuer without revocationList", s.signed("a")[0], True)
    s = BadgeSet(base, "rl-single-dict", key)
    u, rid, _ = s.signed("a")
    s.docs["/revocations"]["revokedAssertions"] = [{"id": rid, "revocationReason": "x"}]
    serve_json("/rl-single-dict/revocations", s.docs["/revocations"])
    case("probe: revocationList with ONE entry (object) is NOT detected", u, True)
    s = BadgeSet(base, "rl-single-str", key)
    u, rid, _ = s.signed("a")
    s.docs["/revocations"]["revokedAssertions"] = [rid]
    serve_json("/rl-single-str/revocations", s.docs["/revocations"])
    case("probe: revocationList with ONE entry (string) is NOT detected", u, True)
    s = BadgeSet(base, "rl-two-str", key)
    u, rid, _ = s.signed("a")
    s.docs["/revocations"]["revokedAssertions"] = [rid, "urn:uuid:" + str(uuid.uuid4())]
    serve_json("/rl-two-str/revocations", s.docs["/revocations"])
    case("probe: revocationList with two string entries", u, False, error_has="has been revoked")
    s = BadgeSet(base, "rl-empty", key, revoked=[])
    case("probe: revocationList with empty revokedAssertions", s.signed("a")[0], True)
    s = BadgeSet(base, "rl-missing", key)
    s.docs["/revocations"].pop("revokedAssertions")
    serve_json("/rl-missing/revocations", s.docs["/revocations"])
    case("probe: revocationList without revokedAssertions", s.signed("a")[0], False,
         error_has="missing required property revokedAssertions")
    s = BadgeSet(base, "rl-uid", key)
    u, rid, _ = s.signed("a", uid="abc123")
    s.docs["/revocations"]["revokedAssertions"] = [{"uid": "abc123"}, {"uid": "zzz"}]
    serve_json("/rl-uid/revocations", s.docs["/revocations"])
    case("probe: revocationList entries by uid only are not matched", u, True)
    s = BadgeSet(base, "rl-404", key)
    del ROUTES["/rl-404/revocations"]
    case("probe: revocationList URL 404 (HTML body)", s.signed("a")[0], False)

    s = BadgeSet(base, "hosted-rev", key)
    u, rid, _ = s.signed("a")
    s.docs["/revocations"]["revokedAssertions"] = [s.url("/assertions/h"), "urn:uuid:" + str(uuid.uuid4())]
    serve_json("/hosted-rev/revocations", s.docs["/revocations"])
    case("probe: hosted assertion listed in revocationList (list not consulted)", s.hosted("h")[0], True)
    case("probe: hosted with revoked:true, HTTP 200 (not checked)", s.hosted("r200", revoked=True,
         revocationReason="x")[0], True)
    case("probe: HTTP 410 + full assertion JSON + revoked:true (status ignored)",
         s.hosted("r410", status=410, revoked=True, revocationReason="x")[0], True)
    gone = s.url("/assertions/gone-min")
    serve_json("/hosted-rev/assertions/gone-min",
               {"@context": CTX, "id": gone, "revoked": True, "revocationReason": "x"}, status=410)
    case("probe: HTTP 410 + {id, revoked:true} only", gone, False)
    ROUTES["/hosted-rev/assertions/gone-html"] = (410, "text/html", b"<html>Gone</html>")
    case("probe: HTTP 410 + HTML body", s.url("/assertions/gone-html"), False, error_has="Unknown Content-Type")
    case("probe: HTTP 404 (HTML body)", s.url("/assertions/missing"), False, error_has="Unknown Content-Type")

    other = BadgeSet(base.replace("127.0.0.1", "localhost"), "xorigin", key)
    serve_json("/xorigin-host/assertions/a", other.assertion(base + "/xorigin-host/assertions/a"))
    case("probe: hosted assertion on another origin than issuer", base + "/xorigin-host/assertions/a", False,
         error_has="not hosted in allowed origins")
    s = BadgeSet(base, "allowed-localhost", key,
                 issuer_extra={"verification": {"allowedOrigins": "127.0.0.1:%d" % port}})
    case("probe: issuer.verification.allowedOrigins = '127.0.0.1:<port>' rejected", s.hosted("a")[0], False,
         error_has="URL_AUTHORITY")
    s = BadgeSet(base, "no-email", key, issuer_drop=("email",))
    case("probe: issuer without email (EMAIL validator never queued)", s.hosted("a")[0], True)
    s = BadgeSet(base, "bad-email", key, issuer_extra={"email": "not an email"})
    case("probe: issuer email malformed (not checked)", s.hosted("a")[0], True)
    s = BadgeSet(base, "issuer-type", key, issuer_extra={"type": "Organization"})
    case("probe: issuer type Organization (type of fetched nodes not checked)", s.hosted("a")[0], True)
    s = BadgeSet(base, "bc-notype", key)
    s.docs["/badge"].pop("type")
    serve_json("/bc-notype/badge", s.docs["/badge"])
    case("probe: badge class without type (not checked)", s.hosted("a")[0], True)
    s = BadgeSet(base, "asn-type", key)
    case("probe: assertion type as array [Assertion, extra] -> class detection fails",
         s.hosted("a", type=["Assertion", "https://example.org/ns#Extra"])[0], False)
    s = BadgeSet(base, "no-url", key, issuer_drop=("url",))
    case("probe: issuer without url", s.hosted("a")[0], False, error_has="Required property url")
    s = BadgeSet(base, "profile-type", key, issuer_extra={"type": "Profile"})
    case("probe: issuer type Profile", s.hosted("a")[0], True)
    s = BadgeSet(base, "idmismatch", key)
    serve_json("/idmismatch/badge", dict(s.docs["/badge"], id=s.url("/badge-canonical")))
    serve_json("/idmismatch/badge-canonical", dict(s.docs["/badge"], id=s.url("/badge-canonical")))
    case("probe: badge id differs from fetch URL (warning + refetch)", s.hosted("a")[0], True)
    s = BadgeSet(base, "img-ctype", key)
    ROUTES["/img-ctype/badge.png"] = (200, None, tiny_png())
    case("probe: badge image served without Content-Type", s.hosted("a")[0], False,
         error_has="Could not fetch image")
    s = BadgeSet(base, "img-404", key)
    del ROUTES["/img-404/badge.png"]
    case("probe: badge image 404", s.hosted("a")[0], False, error_has="Could not fetch image")
    s = BadgeSet(base, "img-svg", key, issuer_extra={})
    s.docs["/badge"]["image"] = s.url("/badge.svg")
    serve_json("/img-svg/badge", s.docs["/badge"])
    ROUTES["/img-svg/badge.svg"] = (200, "image/svg+xml", TINY_SVG)
    case("probe: badge image is SVG", s.hosted("a")[0], True)
    s = BadgeSet(base, "img-datauri", key)
    s.docs["/badge"]["image"] = "data:image/png;base64," + base64.b64encode(tiny_png()).decode()
    serve_json("/img-datauri/badge", s.docs["/badge"])
    case("probe: badge image as data: URI", s.hosted("a")[0], True)
    s = BadgeSet(base, "expired", key)
    case("probe: expired assertion", s.hosted("a", expires="2024-02-01T00:00:00Z")[0], False,
         error_has="expired")
    s = BadgeSet(base, "unhashed", key)
    case("probe: unhashed email recipient", s.hosted("a", recipient={
        "type": "email", "hashed": False, "identity": RECIPIENT})[0], True, recipient=RECIPIENT)
    s = BadgeSet(base, "naive-date", key)
    case("probe: issuedOn without timezone", s.hosted("a", issuedOn="2024-01-02T03:04:05")[0], False,
         error_has="DATETIME")

    passed = failed = 0
    for name, target, recipient, expect_valid, error_has in cases:
        if args.filter and args.filter not in name:
            continue
        rc, out, err = run_verify(target, recipient)
        ok = rc in (0, 1) and (rc == 0) == expect_valid and bool(out.get("valid")) == expect_valid
        errs = errors_of(out)
        if ok and error_has:
            ok = any(error_has in e for e in errs) or any(
                error_has in (m.get("result") or "") for m in out.get("messages", []))
        if expect_valid and ok:
            ok = out.get("errorCount") == 0
        if ok:
            passed += 1
            print("PASS  %s  (valid=%s errors=%d warnings=%d)" % (
                name, out.get("valid"), out.get("errorCount", -1), out.get("warningCount", -1)))
        else:
            failed += 1
            print("FAIL  %s  expected valid=%s, exit=%d" % (name, expect_valid, rc))
        if args.verbose or not ok:
            for m in out.get("messages", []):
                print("        %-7s %s: %s" % (m.get("level"), m.get("name"), m.get("result")))
            if "harnessError" in out or "unparsable_stdout" in out:
                print("        " + json.dumps(out)[:3000])
            if not ok and err.strip():
                print("        stderr: " + err.strip()[-1500:].replace("\n", "\n        "))
    server.shutdown()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
