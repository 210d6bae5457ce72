#!/usr/bin/env python3
"""Writes the request-smuggling corpus: one NN-name.http file per case, the
exact bytes a client sends, and expected.tsv (file, accepted statuses, why).

Usage: make_corpus.py [DIR]   (default: the folder of this script)

Every case starts with a request that a gateway must refuse (400, or the
status named) and then close the connection. After it comes a well-formed
request, `GET /warden/count/smuggled-NAME`: the smuggled request when a
server reads the first request's framing one way and the gateway another,
and otherwise a pipelined request that must never be answered, since the
connection must close after the refusal. The first request of each case
counts under /warden/count/NAME, so Tests/Support/http/upstream.py's
/warden/counts shows whether it, or the smuggled one, reached the upstream.

Bytes are spelled here with explicit escapes (CRLF, LF, CR, NUL), so what
each case sends can be read below. README.md explains each case.
"""

import os
import sys

CRLF = "\r\n"
HOST = "Host: warden.test"


def smuggled(name: str) -> str:
    return f"GET /warden/count/smuggled-{name} HTTP/1.1{CRLF}{HOST}{CRLF}{CRLF}"


def request(line: str, headers: list[str], body: str = "", eol: str = CRLF) -> str:
    return line + eol + "".join(h + eol for h in headers) + eol + body


def chunk(data: str) -> str:
    return f"{len(data):x}{CRLF}{data}{CRLF}"


CASES = []  # (name, expected statuses, why, bytes)


def case(name: str, expected: str, why: str, data) -> None:
    if isinstance(data, str):
        data = data.encode("latin-1")
    CASES.append((name, expected, why, data))


def build() -> None:
    # --- Content-Length and Transfer-Encoding -----------------------------
    n = "cl-te"
    body = "0" + CRLF + CRLF + smuggled(n)
    case(n, "400", "Content-Length and Transfer-Encoding: chunked together (RFC 9112 §6.3: "
         "a TE-reader ends the body at the 0 chunk and reads the rest as a second request; "
         "a CL-reader takes it all as body)",
         request(f"POST /warden/count/{n} HTTP/1.1",
                 [HOST, f"Content-Length: {len(body)}", "Transfer-Encoding: chunked"], body))

    n = "te-cl"
    inner = smuggled(n)
    size_line = f"{len(inner):x}{CRLF}"
    body = size_line + inner + CRLF + "0" + CRLF + CRLF
    case(n, "400", "Transfer-Encoding: chunked and a Content-Length that covers only the chunk-size "
         "line: a CL-reader finds the smuggled request inside the chunk's data",
         request(f"POST /warden/count/{n} HTTP/1.1",
                 [HOST, "Transfer-Encoding: chunked", f"Content-Length: {len(size_line)}"], body))

    n = "two-content-lengths"
    body = "hello" + smuggled(n)
    case(n, "400", "two Content-Length fields with different values (RFC 9110 §8.6, RFC 9112 §6.3): "
         "a reader of the first sees the smuggled request after 5 bytes, a reader of the second "
         "takes it as body",
         request(f"POST /warden/count/{n} HTTP/1.1", [HOST, "Content-Length: 5", f"Content-Length: {len(body)}"], body))

    n = "content-length-list"
    body = "hello" + smuggled(n)
    case(n, "400", "one Content-Length field with a list of different values, 'Content-Length: 5, N' "
         "(RFC 9110 §8.6)",
         request(f"POST /warden/count/{n} HTTP/1.1", [HOST, f"Content-Length: 5, {len(body)}"], body))

    n = "content-length-plus"
    case(n, "400", "Content-Length: +6: not 1*DIGIT, though int() in Python and strtol in C accept it",
         request(f"POST /warden/count/{n} HTTP/1.1", [HOST, "Content-Length: +6"], "hello!") + smuggled(n))

    n = "content-length-negative"
    case(n, "400", "Content-Length: -1",
         request(f"POST /warden/count/{n} HTTP/1.1", [HOST, "Content-Length: -1"]) + smuggled(n))

    # A Transfer-Encoding that some readers take for chunked and others
    # ignore, beside a Content-Length that covers the whole body: a
    # CL-reader sees one request; a TE-reader ends the body at the 0 chunk
    # and answers the smuggled request inside it.
    def te_desync(n: str, expected: str, why: str, te_lines: list[str], version: str = "HTTP/1.1") -> None:
        body = "0" + CRLF + CRLF + smuggled(n)
        case(n, expected, why,
             request(f"POST /warden/count/{n} {version}", [HOST, f"Content-Length: {len(body)}"] + te_lines, body))

    te_desync("te-chunked-identity", "400",
              "Transfer-Encoding: chunked, identity: chunked is not the final coding, so the body's "
              "length cannot be known (RFC 9112 §6.3: MUST respond 400 and close)",
              ["Transfer-Encoding: chunked, identity"])
    te_desync("te-chunked-twice", "400",
              "Transfer-Encoding: chunked in two fields, chunked applied twice (RFC 9112 §7.1: a sender "
              "MUST NOT apply chunked more than once)",
              ["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"])
    te_desync("te-xchunked", "400 501",
              "Transfer-Encoding: xchunked, an unknown coding and chunked not final (RFC 9112 §6.3: 400; "
              "§6.1 allows 501 for a coding the server does not know); a reader that looks for "
              "'chunked' inside the value reads a 0 chunk",
              ["Transfer-Encoding: xchunked"])
    te_desync("te-leading-space", "400",
              "' Transfer-Encoding: chunked', a field line that starts with a space: obsolete line "
              "folding of the field before it, or a field of its own for a reader that strips the space",
              [" Transfer-Encoding: chunked"])
    te_desync("te-space-before-colon", "400",
              "'Transfer-Encoding : chunked', whitespace between the field name and the colon "
              "(RFC 9112 §5.1: a server MUST respond 400)",
              ["Transfer-Encoding : chunked"])
    te_desync("te-obs-fold", "400",
              "Transfer-Encoding with an empty value folded onto a next line ' chunked' (obsolete line "
              "folding, RFC 9112 §5.2: reject it, or replace it with a space before reading the field)",
              ["Transfer-Encoding:", " chunked"])
    te_desync("te-bare-cr", "400",
              "a bare CR inside a field value, 'X-Note: a<CR>Transfer-Encoding: chunked' (RFC 9110 §5.5: "
              "reject, or replace with a space): a reader that ends lines at CR sees Transfer-Encoding",
              ["X-Note: a\rTransfer-Encoding: chunked"])
    te_desync("te-bare-lf", "400",
              "a bare LF inside a field line among CRLF lines: a CRLF-only reader sees one field "
              "'X-Note: a<LF>Transfer-Encoding: chunked', an LF-tolerant one sees Transfer-Encoding",
              ["X-Note: a\nTransfer-Encoding: chunked"])
    te_desync("http10-te", "400",
              "HTTP/1.0 with Transfer-Encoding: chunked, beside a Content-Length (RFC 9112 §6.1: the "
              "framing is faulty, even with a Content-Length: HTTP/1.0 has no chunked)",
              ["Transfer-Encoding: chunked"], version="HTTP/1.0")

    # --- chunk framing ----------------------------------------------------
    def chunked_case(n: str, why: str, body: str, expected: str = "400") -> None:
        case(n, expected, why,
             request(f"POST /warden/count/{n} HTTP/1.1", [HOST, "Transfer-Encoding: chunked"], body) + smuggled(n))

    chunked_case("chunk-size-negative", "chunk size -1",
                 "-1" + CRLF + "x" + CRLF + "0" + CRLF + CRLF)
    chunked_case("chunk-size-0x", "chunk size 0x10: hexadecimal digits only, no 0x prefix",
                 "0x10" + CRLF + "0123456789abcdef" + CRLF + "0" + CRLF + CRLF)
    chunked_case("chunk-size-garbage", "chunk size '1 x': garbage after the size, not a ';' extension",
                 "1 x" + CRLF + "a" + CRLF + "0" + CRLF + CRLF)
    chunked_case("chunk-ext-empty", "chunk size '1 ;': a ';' without an extension name (RFC 9112 §7.1.1)",
                 "1 ;" + CRLF + "a" + CRLF + "0" + CRLF + CRLF)
    chunked_case("chunk-size-overflow", "chunk size 10000000000000000 (2^64): a 64-bit reader that wraps "
                 "reads 0, the last chunk, and then the smuggled request; 413 as a chunk over the body "
                 "limit is right too",
                 "10000000000000000" + CRLF + CRLF, expected="400 413")
    chunked_case("chunk-size-bare-lf", "a chunk-size line ended by a bare LF",
                 "5\nhello" + CRLF + "0" + CRLF + CRLF)
    chunked_case("chunk-data-no-crlf", "chunk data not followed by CRLF: 5 bytes, then 'XX' before the next size",
                 "5" + CRLF + "helloXX" + "0" + CRLF + CRLF)

    # --- field syntax -----------------------------------------------------
    n = "bare-lf-lines"
    case(n, "400", "every line ended by a bare LF (RFC 9112 §2.2 lets a recipient accept it; a gateway "
         "refuses, since it and its upstream must find the same lines)",
         request(f"GET /warden/count/{n} HTTP/1.1", [HOST], eol="\n") + smuggled(n))

    n = "space-in-field-name"
    case(n, "400", "a field name with a space in it ('Bad Header: x'): not a token",
         request(f"GET /warden/count/{n} HTTP/1.1", [HOST, "Bad Header: x"]) + smuggled(n))

    n = "nul-in-value"
    case(n, "400", "a NUL byte in a field value (RFC 9110 §5.5)",
         request(f"GET /warden/count/{n} HTTP/1.1", [HOST, "X-Note: a\x00b"]) + smuggled(n))

    n = "duplicate-host"
    case(n, "400", "two Host fields (RFC 9112 §3.2: a server MUST respond 400)",
         request(f"GET /warden/count/{n} HTTP/1.1", [HOST, "Host: other.example"]) + smuggled(n))

    n = "missing-host"
    case(n, "400", "an HTTP/1.1 request without Host (RFC 9112 §3.2: a server MUST respond 400)",
         request(f"GET /warden/count/{n} HTTP/1.1", ["Accept: */*"]) + smuggled(n))

    n = "absolute-form-host-mismatch"
    case(n, "400", "absolute-form target whose authority is not the Host field: a reader that routes "
         "on Host and one that routes on the target disagree (RFC 9112 §3.2.2 has servers use the "
         "target and ignore Host; a gateway refuses the mismatch rather than forward both)",
         request(f"GET http://other.example/warden/count/{n} HTTP/1.1", [HOST]) + smuggled(n))

    n = "invalid-method"
    case(n, "400", "a method with a character that is not a token character ('G@T')",
         request(f"G@T /warden/count/{n} HTTP/1.1", [HOST]) + smuggled(n))

    n = "http09"
    case(n, "400", "an HTTP/0.9 request line (no version), which has no fields and no framing",
         f"GET /warden/count/{n}{CRLF}" + smuggled(n))

    # --- sizes --------------------------------------------------------------
    n = "oversized-request-line"
    case(n, "414 400", "a request target of 100 KiB (RFC 9112 §3: 414 URI Too Long)",
         request(f"GET /warden/count/{n}?pad={'a' * 100 * 1024} HTTP/1.1", [HOST]) + smuggled(n))

    n = "oversized-headers"
    case(n, "431 400", "200 fields of 1 KiB each, 200 KiB of header section (RFC 6585: 431)",
         request(f"GET /warden/count/{n} HTTP/1.1",
                 [HOST] + [f"X-Pad-{i:03d}: {'b' * 1010}" for i in range(200)]) + smuggled(n))

    n = "body-too-large"
    size = 1024 * 1024 + 1
    case(n, "413", "Content-Length: 1048577 with the body, over a 1 MiB limit (RFC 9110 §15.5.14: 413 "
         "Content Too Large)",
         request(f"POST /warden/count/{n} HTTP/1.1", [HOST, f"Content-Length: {size}"], "c" * size) + smuggled(n))


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    build()
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.endswith(".http"):
            os.remove(os.path.join(folder, old))
    with open(os.path.join(folder, "expected.tsv"), "w") as table:
        table.write("file\texpected\twhy\n")
        for number, (name, expected, why, data) in enumerate(CASES, 1):
            file = f"{number:02d}-{name}.http"
            with open(os.path.join(folder, file), "wb") as out:
                out.write(data)
            table.write(f"{file}\t{expected}\t{why}\n")
    print(f"wrote {len(CASES)} cases and expected.tsv to {folder}")


if __name__ == "__main__":
    main()
