#!/usr/bin/env python3
"""Obtain a signed ID token from a running `oidc-provider-mock`, non-interactively.

Usage: id_token.py ISSUER SUBJECT GROUPS AUDIENCE

GROUPS is a comma-separated list (may be empty). Prints the ID token (a JWT
signed RS256 with the key published at ISSUER/jwks) on stdout.

How: the mock stores extra claims per user (PUT /users/SUBJECT) and copies
them into ID tokens; it accepts any client id, and the ID token's `aud` is the
client id, so AUDIENCE is passed as client_id. The authorization code flow is
driven by POSTing the login form (`sub`) to the authorize endpoint and then
exchanging the code at the token endpoint. Its access tokens are opaque, which
is why the ID token is what Warden validates here.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

REDIRECT_URI = "http://127.0.0.1/callback"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # keep the 302 to read its Location
        return None


def _request(opener, method, url, body=None, content_type=None):
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        response = opener.open(request, timeout=10)
        return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def main() -> None:
    if len(sys.argv) != 5:
        sys.exit("usage: id_token.py ISSUER SUBJECT GROUPS AUDIENCE")
    issuer, subject, groups_arg, audience = sys.argv[1:]
    groups = [g for g in groups_arg.split(",") if g]
    opener = urllib.request.build_opener(_NoRedirect)

    config = json.loads(
        _request(opener, "GET", f"{issuer}/.well-known/openid-configuration")[2]
    )

    status, _, body = _request(
        opener,
        "PUT",
        f"{issuer}/users/{urllib.parse.quote(subject, safe='')}",
        json.dumps({"groups": groups}).encode(),
        "application/json",
    )
    if status != 204:
        sys.exit(f"setting user claims failed: HTTP {status}: {body[:200]!r}")

    query = urllib.parse.urlencode({
        "client_id": audience,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid",
        "state": "warden-test",
    })
    status, headers, body = _request(
        opener,
        "POST",
        f"{config['authorization_endpoint']}?{query}",
        urllib.parse.urlencode({"sub": subject}).encode(),
        "application/x-www-form-urlencoded",
    )
    location = headers.get("Location") or headers.get("location")
    if status != 302 or not location:
        sys.exit(f"authorize did not redirect: HTTP {status}: {body[:200]!r}")
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]

    status, _, body = _request(
        opener,
        "POST",
        config["token_endpoint"],
        urllib.parse.urlencode({
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": audience,
            "client_secret": "unused-by-the-mock",
        }).encode(),
        "application/x-www-form-urlencoded",
    )
    if status != 200:
        sys.exit(f"token exchange failed: HTTP {status}: {body[:200]!r}")
    print(json.loads(body)["id_token"])


if __name__ == "__main__":
    main()
