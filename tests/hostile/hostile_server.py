#!/usr/bin/python3
"""A hostile or broken server on 127.0.0.1, for the hostile test set (tests/hostile_test.cpp).

  hostile_server.py --pki LAB-PKI --work DIR MODE

Prints `PORT <n>` and `READY`, then serves MODE to every connection until it is terminated.
TLS modes present a lab PKI case (by default `good`: mail.contoso.test); `--work` is where
generated certificates (a 200-certificate chain, 10,000 names) are kept between runs.

Modes without TLS: silent (accepts and never speaks), garbage (bytes that are not TLS),
abort-handshake (a truncated ServerHello, then the connection closes).
Plain HTTP (OCSP responders, CRL hosts): plain-slow-body, plain-endless-body, plain-junk.
HTTP over TLS: slow-body (one byte per second), endless-body, long-header (a 1 MB header line),
many-headers (10,000 headers), http10 (HTTP/1.0 without length, body until close),
redirect-chain (50 same-host redirects), redirect-loop (/owa/ and /owa/loop redirect to each
other), https-to-http (Autodiscover asks for Basic, then redirects the signed-in POST to plain
HTTP on a second port, which writes whatever reaches it to WORK/plain-requests.log), big-chain (200 certificates), many-sans (10,000 names),
xml-bomb (billion laughs, deep nesting and a huge attribute in the Autodiscover, MEX and
metadata answers; a sane realm answer naming sts.contoso.test), realm-bomb (the same in the realm
answer), autodiscover-bomb (as xml-bomb, presenting the certificate of autodiscover.contoso.test), rts-* (an RPC proxy sending broken RTS: rts-long-frag, rts-unknown-command,
rts-bad-count, rts-dribble: Pings one byte at a time, forever), bad-utf8 (invalid UTF-8 and terminal escapes in realm, MEX, metadata and
Autodiscover answers, headers, and the certificate's subject and alternative names).
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i > 1 else "&lol;") * 10)
                    for i in range(1, 10))
          + ']>')


def bomb(root, inner):
    """A document with the root element the parser expects, an entity bomb and deep nesting."""
    return (LAUGHS + "<%s a=\"%s\">%s%s%s&lol9;</%s>" % (
        root, "x" * 60000, "<d>" * 10000, inner, "</d>" * 10000, root)).encode()


def realm_bomb():
    return bomb("RealmInfo", "<NameSpaceType>Federated</NameSpaceType>")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def big_chain(work, pki):
    """A leaf for mail.contoso.test under 199 intermediates below the lab's public root."""
    d = os.path.join(work, "big-chain")
    if os.path.exists(os.path.join(d, "chain.pem")):
        return d
    os.makedirs(d, exist_ok=True)
    root_cert = os.path.join(pki, "ca", "public-root.pem")
    root_key = os.path.join(pki, "ca", "public-root.key")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "k.pem", cwd=d)
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[v]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n"
                "[l]\nsubjectAltName=DNS:mail.contoso.test\nextendedKeyUsage=serverAuth\n")
    issuer_cert, issuer_key = root_cert, root_key
    certs = []
    for i in range(200):
        leaf = i == 199
        name = "c%03d" % i
        openssl("req", "-new", "-key", "k.pem", "-subj",
                "/CN=" + ("mail.contoso.test" if leaf else "Hostile CA %d" % i), "-out", name + ".csr",
                cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer_cert, "-CAkey", issuer_key,
                "-set_serial", str(1000 + i), "-days", "30", "-extfile", "ca.cnf",
                "-extensions", "l" if leaf else "v", "-out", name + ".pem", cwd=d)
        certs.append(os.path.join(d, name + ".pem"))
        issuer_cert, issuer_key = os.path.join(d, name + ".pem"), os.path.join(d, "k.pem")
    with open(os.path.join(d, "chain.pem"), "w") as out:
        for c in reversed(certs):
            out.write(open(c).read())
    os.rename(os.path.join(d, "k.pem"), os.path.join(d, "key.pem"))
    return d


def many_sans(work, pki):
    """A leaf with 10,000 DNS names (mail.contoso.test last) from the lab's issuing CA."""
    d = os.path.join(work, "many-sans")
    if os.path.exists(os.path.join(d, "chain.pem")):
        return d
    os.makedirs(d, exist_ok=True)
    names = ",".join("DNS:h%05d.contoso.test" % i for i in range(9999)) + ",DNS:mail.contoso.test"
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("[l]\nsubjectAltName=%s\nextendedKeyUsage=serverAuth\n" % names)
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem", cwd=d)
    openssl("req", "-new", "-key", "key.pem", "-subj", "/CN=mail.contoso.test", "-out", "l.csr",
            cwd=d)
    openssl("x509", "-req", "-in", "l.csr", "-CA", os.path.join(pki, "ca", "public-inter.pem"),
            "-CAkey", os.path.join(pki, "ca", "public-inter.key"), "-set_serial", "77",
            "-days", "30", "-extfile", "ext.cnf", "-extensions", "l", "-out", "leaf.pem", cwd=d)
    with open(os.path.join(d, "chain.pem"), "w") as out:
        out.write(open(os.path.join(d, "leaf.pem")).read())
        out.write(open(os.path.join(pki, "ca", "public-inter.pem")).read())
    return d


def bad_names(work, pki):
    """A leaf for the lab's names whose subject holds ESC sequences and Latin-1 bytes, and whose
    alternative names include one with terminal escapes."""
    d = os.path.join(work, "bad-names")
    if os.path.exists(os.path.join(d, "chain.pem")):
        return d
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "ext.cnf"), "wb") as f:
        f.write(b"[l]\nsubjectAltName=DNS:sts.contoso.test,DNS:mail.contoso.test,"
                b"DNS:autodiscover.contoso.test,DNS:evil\x1b[2J\x1b]0;pwned\x07.contoso.test\n"
                b"extendedKeyUsage=serverAuth\n")
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem", cwd=d)
    subj = b"/CN=sts.contoso.test/O=Evil\x1b[2J\x1b]0;pwned\x07 Corp \xff\xfe/OU=\x9b31m"
    subprocess.run([b"openssl", b"req", b"-new", b"-key", b"key.pem", b"-subj", subj, b"-out",
                    b"l.csr"], cwd=d, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    openssl("x509", "-req", "-in", "l.csr", "-CA", os.path.join(pki, "ca", "public-inter.pem"),
            "-CAkey", os.path.join(pki, "ca", "public-inter.key"), "-set_serial", "78",
            "-days", "30", "-extfile", "ext.cnf", "-extensions", "l", "-out", "leaf.pem", cwd=d)
    with open(os.path.join(d, "chain.pem"), "w") as out:
        out.write(open(os.path.join(d, "leaf.pem")).read())
        out.write(open(os.path.join(pki, "ca", "public-inter.pem")).read())
    return d


# Bytes that are not UTF-8, and terminal escapes, for the bad-utf8 mode.
BAD = b"\xff\xfe\xc0\xaf\xed\xa0\x80 \x1b[2J\x1b]0;pwned\x07 \xc2\x9b31m"


def read_head(conn, limit=65536):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def send_http(conn, status, headers, body=b"", raw_headers=b""):
    head = "HTTP/1.1 %s\r\n" % status + "".join("%s: %s\r\n" % h for h in headers)
    conn.sendall(head.encode() + raw_headers + b"\r\n" + body)


def serve_http(mode, conn):
    req = read_head(conn)
    line = req.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    method, target = (parts + ["", ""])[:2]
    if mode == "slow-body":
        send_http(conn, "200 OK", [("Content-Type", "text/html"), ("Content-Length", "1000")])
        for _ in range(1000):
            conn.sendall(b"x")
            time.sleep(1)
    elif mode == "junk":  # a 200 whose body is neither an OCSP response nor a CRL
        body = b"\x30\x82\xff\xff" + os.urandom(512)
        send_http(conn, "200 OK", [("Content-Type", "application/ocsp-response"),
                                   ("Content-Length", str(len(body)))], body)
    elif mode == "endless-body":
        send_http(conn, "200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")])
        chunk = b"%x\r\n%s\r\n" % (65536, b"y" * 65536)
        while True:
            conn.sendall(chunk)
    elif mode == "long-header":
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * (1024 * 1024) + b"\r\n\r\n")
    elif mode == "many-headers":
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(10000))
                     + b"Content-Length: 0\r\n\r\n")
    elif mode == "not-http":  # another service on the port (an SSH banner), then bytes
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + bytes(range(256)) * 4)
    elif mode == "bad-status":  # looks like HTTP, is not
        conn.sendall(b"HTTP/1.1 2x0 Fine\r\nContent-Length: 0\r\n\r\n")
    elif mode == "http-unknown-version":
        conn.sendall(b"HTTP/7.5 200 OK\r\nContent-Length: 0\r\n\r\n")
    elif mode == "http10":
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
                     b"<html><body>an old server</body></html>")
    elif mode == "redirect-chain":
        n = int(target.rsplit("/", 1)[-1]) if target.rsplit("/", 1)[-1].isdigit() else 0
        send_http(conn, "302 Found", [("Location", "/owa/%d" % (n + 1)), ("Content-Length", "0")])
    elif mode == "redirect-loop":
        to = "/owa/" if target.startswith("/owa/loop") else "/owa/loop"
        send_http(conn, "302 Found", [("Location", to), ("Content-Length", "0")])
    elif mode == "https-to-http":
        if b"Authorization:" not in req:
            send_http(conn, "401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"x\""),
                                                 ("Content-Length", "0")])
        else:
            send_http(conn, "302 Found", [
                ("Location", "http://autodiscover.contoso.test:%d/autodiscover/autodiscover.xml"
                 % PLAIN_PORT), ("Content-Length", "0")])
    elif mode in ("xml-bomb", "realm-bomb", "autodiscover-bomb"):
        if target.startswith("/getuserrealm.srf") and mode == "realm-bomb":
            body = realm_bomb()
        elif target.startswith("/getuserrealm.srf"):
            body = (b'<?xml version="1.0" encoding="utf-8"?><RealmInfo Success="true">'
                    b"<NameSpaceType>Federated</NameSpaceType><DomainName>contoso.test</DomainName>"
                    b"<AuthURL>https://sts.contoso.test/adfs/ls/?wa=wsignin1.0</AuthURL>"
                    b"<STSAuthURL>https://sts.contoso.test/adfs/services/trust/2005/usernamemixed"
                    b"</STSAuthURL><MEXURL>https://sts.contoso.test/adfs/services/trust/mex</MEXURL>"
                    b"</RealmInfo>")
        elif "mex" in target:
            body = bomb("definitions", "")
        elif "FederationMetadata" in target:
            body = bomb("EntityDescriptor", "")
        elif target.lower().startswith("/autodiscover/"):
            if b"Authorization:" not in req:
                send_http(conn, "401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"x\""),
                                                     ("Content-Length", "0")])
                return
            body = bomb("Autodiscover", "<Response><Account><Action>settings</Action>"
                                        "</Account></Response>")
        else:
            body = b"<html/>"
        send_http(conn, "200 OK", [("Content-Type", "text/xml"),
                                   ("Content-Length", str(len(body)))], body)
    elif mode == "bad-utf8":
        # Realm discovery, MEX and metadata answers and a Server header with invalid UTF-8 and
        # terminal escapes; the certificate's subject holds escapes too (bad_names).
        if target.startswith("/getuserrealm.srf"):
            body = (b'<?xml version="1.0" encoding="utf-8"?><RealmInfo Success="true">'
                    b"<NameSpaceType>Federated</NameSpaceType><DomainName>contoso.test"
                    b"</DomainName><FederationBrandName>" + BAD + b"</FederationBrandName>"
                    b"<AuthURL>https://sts.contoso.test/adfs/ls/?wa=wsignin1.0</AuthURL>"
                    b"<MEXURL>https://sts.contoso.test/adfs/services/trust/mex</MEXURL>"
                    b"</RealmInfo>")
        elif "mex" in target:
            body = b'<?xml version="1.0"?><definitions><x>' + BAD + b"</x></definitions>"
        elif target.lower().startswith("/autodiscover/"):
            if b"Authorization:" not in req:
                send_http(conn, "401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"x\""),
                                                     ("Content-Length", "0")])
                return
            body = (b'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.'
                    b'microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns='
                    b'"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/'
                    b'2006a"><User><DisplayName>' + BAD + b"</DisplayName></User><Account>"
                    b"<Action>settings</Action><Protocol><Type>EXCH</Type><Server>" + BAD +
                    b"</Server></Protocol><Protocol><Type>EXPR</Type><Server>mail.contoso.test"
                    b"</Server><SSL>On</SSL><AuthPackage>" + BAD + b"</AuthPackage>"
                    b"<CertPrincipalName>msstd:" + BAD + b"</CertPrincipalName></Protocol>"
                    b"</Account></Response></Autodiscover>")
        else:
            body = (b'<?xml version="1.0"?><EntityDescriptor entityID="' + BAD + b'">' + BAD +
                    b"</EntityDescriptor>")
        send_http(conn, "200 OK", [("Content-Type", "text/xml"),
                                   ("Content-Length", str(len(body)))], body,
                  raw_headers=b"Server: " + BAD + b"\r\nX-Brand: " + BAD + b"\r\n")
    elif mode.startswith("rts-"):
        serve_rts(mode, conn, method, req)
    elif mode.startswith("mapi-"):
        serve_mapi(mode, conn, target, req)
    else:
        send_http(conn, "200 OK", [("Content-Length", "2")], b"ok")


MAPI_AUTODISCOVER = (
    b'<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/'
    b'exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/'
    b'exchange/autodiscover/outlook/responseschema/2006a"><User><DisplayName>A</DisplayName>'
    b"<LegacyDN>/o=X/cn=alice</LegacyDN></User><Account><Action>settings</Action>"
    b'<Protocol Type="mapiHttp" Version="1"><MailStore><ExternalUrl>https://mail.contoso.test/'
    b"mapi/emsmdb/?MailboxId=0b3c@contoso.test</ExternalUrl></MailStore></Protocol>"
    b"</Account></Response></Autodiscover>")


def serve_mapi(mode, conn, target, req):
    # Autodiscover advertises MAPI over HTTP on this server; its endpoints challenge anonymous
    # requests with Basic and answer signed-in ones with a body that lies about its size
    # (mapi-lying-chunk), PENDING keep-alives that never end (mapi-endless-pending), or a body
    # announced at 1 GiB (mapi-huge-body).
    if b"Authorization:" not in req:
        send_http(conn, "401 Unauthorized", [("WWW-Authenticate", 'Basic realm="x"'),
                                             ("Content-Length", "0")])
        return
    if target.lower().startswith("/autodiscover/"):
        send_http(conn, "200 OK", [("Content-Type", "text/xml"),
                                   ("Content-Length", str(len(MAPI_AUTODISCOVER)))],
                  MAPI_AUTODISCOVER)
        return
    head = [("Content-Type", "application/mapi-http"), ("X-ResponseCode", "0"),
            ("X-RequestType", "Connect")]
    if mode == "mapi-huge-body":
        send_http(conn, "200 OK", head + [("Content-Length", str(1 << 30))])
        conn.sendall(b"PROCESSING\r\n")
        while True:
            conn.sendall(b"PENDING\r\n" * 4096)
    send_http(conn, "200 OK", head + [("Transfer-Encoding", "chunked")])
    if mode == "mapi-lying-chunk":
        conn.sendall(b"100000\r\nPROCESSING\r\nDONE\r\n\r\n")
        return
    conn.sendall(b"c\r\nPROCESSING\r\n\r\n")
    while True:  # mapi-endless-pending
        conn.sendall(b"9\r\nPENDING\r\n\r\n" * 1024)


def rts(flags, commands):
    body = flags.to_bytes(2, "little") + len(commands).to_bytes(2, "little") + b"".join(commands)
    return (b"\x05\x00\x14\x03\x10\x00\x00\x00" + (16 + len(body)).to_bytes(2, "little")
            + b"\x00\x00\x00\x00\x00\x00" + body)


def serve_rts(mode, conn, method, req):
    """An RPC proxy that accepts any Basic credentials and then sends broken RTS on OUT."""
    if b"Authorization: Basic" not in req:
        send_http(conn, "401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"x\""),
                                             ("Content-Length", "0")])
        return
    if b"Content-Length: 0" in req or b"content-length: 0" in req.lower():
        echo = rts(0x40, [])
        send_http(conn, "200 Success", [("Content-Type", "application/rpc"),
                                        ("Content-Length", str(len(echo)))], echo)
        return
    if method != "RPC_OUT_DATA":
        while conn.recv(65536):  # the IN channel: swallow what comes
            pass
        return
    conn.recv(76)  # CONN/A1
    a3 = rts(0, [(2).to_bytes(4, "little") + (120000).to_bytes(4, "little")])
    if mode == "rts-dribble":
        # Every byte arrives well within any read timeout, but the whole never ends: Pings, one
        # byte every 0.2 s, for up to two minutes.
        conn.sendall(b"HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\n"
                     b"Content-Length: 1073741824\r\n\r\n")
        ping = rts(0x01, [])
        for i in range(600):
            conn.sendall(ping[i % len(ping):i % len(ping) + 1])
            time.sleep(0.2)
        return
    if mode == "rts-long-frag":
        broken = bytearray(a3)
        broken[8:10] = (4000).to_bytes(2, "little")  # frag_length far past the bytes sent
    elif mode == "rts-unknown-command":
        broken = rts(0, [(99).to_bytes(4, "little") + b"\x00" * 4])
    else:  # rts-bad-count: more commands announced than sent
        broken = bytearray(a3)
        broken[18:20] = (500).to_bytes(2, "little")
    conn.sendall(b"HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\n"
                 b"Content-Length: 1073741824\r\n\r\n" + bytes(broken))
    time.sleep(30)


PLAIN_PORT = 0


def plain_listener(work):
    """https-to-http: a plain HTTP port that records every request that reaches it."""
    global PLAIN_PORT
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    PLAIN_PORT = srv.getsockname()[1]

    def serve():
        while True:
            conn, _ = srv.accept()
            try:
                head = read_head(conn)
                with open(os.path.join(work, "plain-requests.log"), "ab") as log:
                    log.write(head + b"\n")
                send_http(conn, "200 OK", [("Content-Length", "0")])
            except OSError:
                pass
            finally:
                conn.close()
    threading.Thread(target=serve, daemon=True).start()


def handle(mode, raw, ctx):
    try:
        if mode == "silent":
            time.sleep(600)
            return
        if mode == "garbage":
            raw.recv(4096)
            raw.sendall(b"\x00GARBAGE, NOT TLS\r\n" * 256)
            return
        # Mail servers (plain SMTP): a reply that never ends, a line that never ends, a greeting
        # one byte at a time (each byte within the read timeout).
        if mode == "smtp-endless":
            while True:
                raw.sendall(b"220-and more\r\n" * 64)
        if mode == "smtp-long-line":
            raw.sendall(b"220 ")
            while True:
                raw.sendall(b"x" * 65536)
        if mode == "smtp-dribble":
            for b in b"220 mx.lab.test ESMTP\r\n":
                raw.sendall(bytes([b]))
                time.sleep(0.4)
            time.sleep(30)
            return
        # Plain HTTP (an OCSP responder or CRL host): plain-slow-body, plain-endless-body,
        # plain-junk are the HTTP modes without TLS.
        if mode.startswith("plain-"):
            serve_http(mode[len("plain-"):], raw)
            return
        if mode == "abort-handshake":
            raw.recv(4096)
            raw.sendall(b"\x16\x03\x03\x40\x00\x02\x00\x3f\xfc\x03\x03" + os.urandom(64))
            return
        conn = ctx.wrap_socket(raw, server_side=True)
        serve_http(mode, conn)
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    except (OSError, ssl.SSLError):
        pass
    finally:
        raw.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pki", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("mode")
    a = ap.parse_args()
    a.pki = os.path.abspath(a.pki)
    a.work = os.path.abspath(a.work)
    ctx = None
    if a.mode not in ("silent", "garbage", "abort-handshake", "smtp-endless", "smtp-long-line",
                      "smtp-dribble") and not a.mode.startswith("plain-"):
        case = os.path.join(a.pki, "good")
        if a.mode == "big-chain":
            case = big_chain(a.work, a.pki)
        elif a.mode == "many-sans":
            case = many_sans(a.work, a.pki)
        elif a.mode in ("xml-bomb", "realm-bomb"):
            case = os.path.join(a.pki, "sts-good")
        elif a.mode == "bad-utf8":
            case = bad_names(a.work, a.pki)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(case, "chain.pem"), os.path.join(case, "key.pem"))
    if a.mode == "https-to-http":
        plain_listener(a.work)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    print("PORT %d" % srv.getsockname()[1], flush=True)
    print("READY", flush=True)
    while True:
        raw, _ = srv.accept()
        threading.Thread(target=handle, args=(a.mode, raw, ctx), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
