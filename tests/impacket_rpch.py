#!/usr/bin/python3
"""A third-party RPC over HTTP v2 client against the fixture server's RPC proxy.

impacket (Debian's python3-impacket) opens the IN and OUT channels, completes the CONN/A1+B1 ->
A3+C2 handshake and binds to EMSMDB, RFR and NSPI, with NTLM and with Basic. Exit 0 when every
bind succeeded, 1 on a failure, 77 (skipped) when impacket is not installed.

  impacket_rpch.py FIXTURE-SERVER LAB-PKI CONFIG
"""
import subprocess
import sys

try:
    from impacket.dcerpc.v5 import transport
    from impacket.dcerpc.v5.rpcrt import DCERPCException
    from impacket.http import AUTH_BASIC, AUTH_NTLM
    from impacket.uuid import uuidtup_to_bin
except ImportError:
    print("python3-impacket is not installed: skipped")
    sys.exit(77)

INTERFACES = [
    ("EMSMDB", 6001, ("A4F1DB00-CA47-1067-B31F-00DD010662DA", "0.81")),
    ("RFR", 6002, ("1544F5E0-613C-11D1-93DF-00C04FD7BD09", "1.0")),
    ("NSPI", 6004, ("F5CC5A18-4264-101A-8C59-08002B2F8426", "56.0")),
]


def main():
    server, pki, config = sys.argv[1:4]
    proc = subprocess.Popen([server, "--pki", pki, "--config", config],
                            stdout=subprocess.PIPE, text=True)
    try:
        port = None
        for line in proc.stdout:
            parts = line.split()
            if parts[:2] == ["SITE", "oa-impacket"]:
                port = int(parts[2])
            if line.strip() == "READY":
                break
        if port is None:
            print("the fixture server has no oa-impacket site")
            return 1
        failures = 0
        for auth_name, auth in (("NTLM", AUTH_NTLM), ("Basic", AUTH_BASIC)):
            for name, endpoint, iface in INTERFACES:
                t = transport.DCERPCTransportFactory("ncacn_http:mbx01.oa.local[%d]" % endpoint)
                t.set_rpc_proxy_url("https://127.0.0.1:%d/rpc/rpcproxy.dll" % port)
                t.set_credentials("labuser", "cxa-lab-S3cret", "LAB")
                t.set_auth_type(auth)
                t.set_connect_timeout(10)
                dce = t.get_dce_rpc()
                try:
                    dce.connect()
                    dce.bind(uuidtup_to_bin(iface))
                    print("ok: %s %s bind over RPC over HTTP v2" % (auth_name, name))
                except (DCERPCException, OSError, Exception) as e:  # noqa: BLE001
                    print("FAILED: %s %s: %s" % (auth_name, name, e))
                    failures += 1
                finally:
                    try:
                        dce.disconnect()
                    except Exception:  # noqa: BLE001
                        pass
        # A wrong password must be refused.
        t = transport.DCERPCTransportFactory("ncacn_http:mbx01.oa.local[6001]")
        t.set_rpc_proxy_url("https://127.0.0.1:%d/rpc/rpcproxy.dll" % port)
        t.set_credentials("labuser", "wrong", "LAB")
        t.set_auth_type(AUTH_NTLM)
        t.set_connect_timeout(10)
        try:
            dce = t.get_dce_rpc()
            dce.connect()
            dce.bind(uuidtup_to_bin(INTERFACES[0][2]))
            print("FAILED: a wrong password was accepted")
            failures += 1
        except Exception as e:  # noqa: BLE001
            print("ok: a wrong password is refused (%s)" % str(e).splitlines()[0][:80])
        return 1 if failures else 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
