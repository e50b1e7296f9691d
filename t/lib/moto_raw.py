"""moto_raw: moto's standalone server, with one fix for signature checks: moto rebuilds the
URL it verifies a SigV4 signature against from werkzeug's decoded request (request.url), so a
query value holding an encoded '/' (ListObjectsV2's prefix=photos%2F, as AWS's SigV4 rules
require) is checked as prefix=photos/ and every such signed request is refused with
SignatureDoesNotMatch, which real S3 would accept. This launcher makes moto use the request
line as the client sent it (werkzeug's RAW_URI), then runs moto.server's main.

Usage: python3 t/lib/moto_raw.py -H 127.0.0.1 -p PORT (the arguments of moto.server)."""
import sys
from urllib.parse import urlsplit, urlunsplit

from moto.core import responses


_setup = responses.BaseResponse.setup_class


def setup_class(self, request, full_url, headers, use_raw_body=False):
    raw = getattr(request, "environ", {}).get("RAW_URI") if hasattr(request, "environ") else None
    if raw:
        parts = urlsplit(full_url)
        path, _, query = raw.partition("?")
        full_url = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    return _setup(self, request, full_url, headers, use_raw_body)


responses.BaseResponse.setup_class = setup_class

if __name__ == "__main__":
    from moto.server import main
    sys.exit(main(sys.argv[1:]))
