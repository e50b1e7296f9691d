#!/usr/bin/env python3
"""sigv4_botocore.t - cross-checks forkcast's C SigV4 signer (cgi/aws/sigv4.c,
run through the sigv4_tool binary built from t/tools/sigv4_tool.c) against
botocore, AWS's own Python signer, on the same requests at the same fixed
time. Prints TAP. Needs python3 with botocore (Debian: python3-botocore).

The tool is taken from $SIGV4_TOOL, else the newest of build/t/sigv4_tool
and build/asan/t/sigv4_tool under the project root. A missing tool or a
missing botocore fails every test: nothing is skipped.
"""

import datetime
import logging
import os
import subprocess
import sys
import tempfile
from unittest import mock
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FIXED_TIME = datetime.datetime(2024, 5, 17, 12, 34, 56)  # naive UTC
AMZ_DATE = '20240517T123456Z'
ACCESS_KEY = 'AKIDEXAMPLE'
SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
TOKEN = ('IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD'
         'example+session/token==')

DDB_BODY = (b'{"TableName":"forkcast-reservations","Key":'
            b'{"pk":{"S":"restaurant#42"},"sk":{"S":"2024-05-17T19:30"}}}')

# Each case is signed by botocore and by our tool; "presign" cases compare
# the URLs, the others the headers the signer adds. Query strings are given
# in canonical encoding (as botocore builds them): botocore signs a URL's
# query as it stands, while our signer re-encodes it (%7E -> ~), which is
# checked by t/unit/test_sigv4.c instead.
CASES = [
    {
        'name': 'DynamoDB POST GetItem (X-Amz-Target, JSON body)',
        'method': 'POST',
        'url': 'https://dynamodb.eu-west-1.amazonaws.com/',
        'headers': [('Content-Type', 'application/x-amz-json-1.0'),
                    ('X-Amz-Target', 'DynamoDB_20120810.GetItem')],
        'body': DDB_BODY,
        'service': 'dynamodb', 'region': 'eu-west-1',
    },
    {
        'name': 'DynamoDB POST with session token (X-Amz-Security-Token)',
        'method': 'POST',
        'url': 'https://dynamodb.eu-west-1.amazonaws.com/',
        'headers': [('Content-Type', 'application/x-amz-json-1.0'),
                    ('X-Amz-Target', 'DynamoDB_20120810.PutItem')],
        'body': DDB_BODY,
        'service': 'dynamodb', 'region': 'eu-west-1', 'token': TOKEN,
    },
    {
        'name': 'DynamoDB Local over http on port 8000 (Host keeps port)',
        'method': 'POST',
        'url': 'http://localhost:8000/',
        'headers': [('Content-Type', 'application/x-amz-json-1.0'),
                    ('X-Amz-Target', 'DynamoDB_20120810.ListTables')],
        'body': b'{}',
        'service': 'dynamodb', 'region': 'us-east-1',
    },
    {
        'name': 'S3 PUT object with x-amz-content-sha256 (encoded key)',
        'method': 'PUT',
        'url': ('https://forkcast-media.s3.eu-west-1.amazonaws.com/'
                'menus/2024/spring%20menu%20%C3%BC%2B1.txt'),
        'headers': [('Content-Type', 'text/plain; charset=utf-8'),
                    ('x-amz-meta-restaurant', '  Chez   Fork  ')],
        'body': 'Spring menu: asparagus, morels, rhubarb tart.\n'.encode(),
        'service': 's3', 'region': 'eu-west-1', 's3': True,
    },
    {
        'name': 'S3 PUT object with session token',
        'method': 'PUT',
        'url': 'https://forkcast-media.s3.eu-west-1.amazonaws.com/a/b.json',
        'headers': [('Content-Type', 'application/json')],
        'body': b'{"ok":true}',
        'service': 's3', 'region': 'eu-west-1', 's3': True, 'token': TOKEN,
    },
    {
        'name': 'S3 presigned GET URL (X-Amz-Expires, query parameter)',
        'method': 'GET', 'presign': 900,
        'url': ('https://forkcast-media.s3.eu-west-1.amazonaws.com/'
                'photos/dish%20%231.jpg?response-content-disposition='
                'inline%3B%20filename%3D%22dish.jpg%22'),
        'service': 's3', 'region': 'eu-west-1', 's3': True,
    },
    {
        'name': 'S3 presigned GET URL with session token',
        'method': 'GET', 'presign': 3600,
        'url': 'https://forkcast-media.s3.eu-west-1.amazonaws.com/x.png',
        'service': 's3', 'region': 'eu-west-1', 's3': True, 'token': TOKEN,
    },
    {
        'name': 'EC2 Query API GET Action=DescribeInstances',
        'method': 'GET',
        'url': ('https://ec2.us-east-1.amazonaws.com/'
                '?Action=DescribeInstances&Version=2016-11-15'),
        'service': 'ec2', 'region': 'us-east-1',
    },
    {
        'name': 'STS POST form body (Action=GetCallerIdentity)',
        'method': 'POST',
        'url': 'https://sts.us-east-1.amazonaws.com/',
        'headers': [('Content-Type',
                     'application/x-www-form-urlencoded; charset=utf-8')],
        'body': b'Action=GetCallerIdentity&Version=2011-06-15',
        'service': 'sts', 'region': 'us-east-1',
    },
    {
        'name': 'API Gateway GET: path normalised and double-encoded',
        'method': 'GET',
        'url': ('https://abc123.execute-api.eu-west-1.amazonaws.com/'
                'prod/items/a%20b/./c//d/../e?b=2&a=~1&a=0&c=%2F%20'),
        'service': 'execute-api', 'region': 'eu-west-1',
    },
    {
        'name': 'RDS IAM auth token: non-S3 presigned URL, port 3306',
        'method': 'GET', 'presign': 900,
        'url': ('https://db1.abc.eu-west-1.rds.amazonaws.com:3306/'
                '?Action=connect&DBUser=forkcast'),
        'service': 'rds-db', 'region': 'eu-west-1',
    },
]


class CaptureCanonical(logging.Handler):
    """Keeps botocore's debug log of the canonical request."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.creq = None

    def emit(self, record):
        if record.msg.startswith('CanonicalRequest'):
            self.creq = record.args[0] if record.args else record.getMessage()


def fixed_clock(auth_module):
    """Patch botocore's clock as its own tests do, whatever its version."""
    if hasattr(auth_module, 'get_current_datetime'):
        return mock.patch.object(auth_module, 'get_current_datetime',
                                 lambda *a, **k: FIXED_TIME)

    class FixedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return FIXED_TIME

        @classmethod
        def now(cls, tz=None):
            return FIXED_TIME if tz is None else FIXED_TIME.replace(tzinfo=tz)

    return mock.patch.object(auth_module.datetime, 'datetime', FixedDatetime)


def botocore_sign(case):
    """Returns (added headers {lower name: value} or presigned URL, creq)."""
    import botocore.auth as ba
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    creds = Credentials(ACCESS_KEY, SECRET_KEY, case.get('token'))
    s3 = case.get('s3', False)
    if 'presign' in case:
        cls = ba.S3SigV4QueryAuth if s3 else ba.SigV4QueryAuth
        signer = cls(creds, case['service'], case['region'],
                     expires=case['presign'])
    else:
        cls = ba.S3SigV4Auth if s3 else ba.SigV4Auth
        signer = cls(creds, case['service'], case['region'])
    req = AWSRequest(method=case['method'], url=case['url'],
                     data=case.get('body') or None)
    for name, value in case.get('headers', []):
        req.headers[name] = value
    before = {k.lower() for k in req.headers.keys()}

    log = logging.getLogger('botocore.auth')
    cap = CaptureCanonical()
    log.addHandler(cap)
    old_level = log.level
    log.setLevel(logging.DEBUG)
    try:
        with fixed_clock(ba):
            signer.add_auth(req)
    finally:
        log.removeHandler(cap)
        log.setLevel(old_level)
    if 'presign' in case:
        return req.url, cap.creq
    added = {k.lower(): v for k, v in req.headers.items()
             if k.lower() not in before}
    return added, cap.creq


def find_tool():
    env = os.environ.get('SIGV4_TOOL')
    if env:
        return env
    found = [p for p in (os.path.join(ROOT, 'build', 't', 'sigv4_tool'),
                         os.path.join(ROOT, 'build', 'asan', 't',
                                      'sigv4_tool'))
             if os.access(p, os.X_OK)]
    if not found:
        return None
    return max(found, key=os.path.getmtime)


def tool_sign(tool, case, tmpdir):
    """Returns (added headers {lower name: value} or URL, creq, error)."""
    args = [tool, '--method', case['method'], '--url', case['url'],
            '--time', AMZ_DATE, '--access-key', ACCESS_KEY,
            '--secret-key', SECRET_KEY, '--region', case['region'],
            '--service', case['service'], '--debug']
    for name, value in case.get('headers', []):
        args += ['--header', f'{name}: {value}']
    if case.get('body'):
        path = os.path.join(tmpdir, 'body')
        with open(path, 'wb') as f:
            f.write(case['body'])
        args += ['--body-file', path]
    if case.get('token'):
        args += ['--session-token', case['token']]
    if case.get('s3'):
        args.append('--s3')
    if 'presign' in case:
        args += ['--presign', str(case['presign'])]
        if case.get('s3'):
            args += ['--payload-hash', 'UNSIGNED-PAYLOAD']
    env = {k: v for k, v in os.environ.items() if not k.startswith('AWS_')}
    proc = subprocess.run(args, capture_output=True, env=env, timeout=60)
    err = proc.stderr.decode(errors='replace')
    creq = None
    if '--- canonical request\n' in err:
        creq = err.split('--- canonical request\n', 1)[1]
        creq = creq.split('\n--- string to sign\n', 1)[0]
    if proc.returncode != 0:
        return None, creq, f'sigv4_tool exited {proc.returncode}: {err}'
    out = proc.stdout.decode()
    if 'presign' in case:
        return out.strip(), creq, None
    headers = {}
    for line in out.splitlines():
        name, _, value = line.partition(': ')
        headers[name.lower()] = value
    return headers, creq, None


def split_url(url):
    p = urlsplit(url)
    return p.scheme, p.netloc, p.path, sorted(p.query.split('&'))


def compare(case, ours, theirs):
    """List of mismatch descriptions (empty when equal)."""
    problems = []
    if 'presign' in case:
        a, b = split_url(ours), split_url(theirs)
        for label, x, y in zip(('scheme', 'host', 'path', 'query'), a, b):
            if x != y:
                problems.append(f'{label}: ours {x!r} botocore {y!r}')
        if f'X-Amz-Date={AMZ_DATE}' not in b[3]:
            problems.append('botocore did not sign at the fixed time')
        return problems
    if theirs.get('x-amz-date') != AMZ_DATE:
        problems.append('botocore did not sign at the fixed time')
    for name in sorted(set(ours) | set(theirs)):
        if ours.get(name) != theirs.get(name):
            problems.append(f'{name}: ours {ours.get(name)!r} '
                            f'botocore {theirs.get(name)!r}')
    for required in ('authorization', 'x-amz-date'):
        if required not in ours:
            problems.append(f'we added no {required}')
    if case.get('token') and 'x-amz-security-token' not in ours:
        problems.append('we added no x-amz-security-token')
    if case.get('s3') and 'x-amz-content-sha256' not in ours:
        problems.append('we added no x-amz-content-sha256')
    return problems


def diag(text):
    for line in str(text).splitlines() or ['']:
        print(f'# {line}')


def main():
    setup_error = None
    try:
        import botocore  # noqa: F401
    except ImportError as e:
        # A python3 first on PATH (pyenv, venv) may lack the Debian
        # package's botocore: retry once with the system interpreter.
        system = '/usr/bin/python3'
        if (os.path.realpath(sys.executable) != os.path.realpath(system)
                and os.access(system, os.X_OK)
                and not os.environ.get('SIGV4_BOTOCORE_REEXEC')):
            os.environ['SIGV4_BOTOCORE_REEXEC'] = '1'
            sys.stdout.flush()
            os.execv(system, [system, os.path.abspath(__file__)]
                     + sys.argv[1:])
        setup_error = f'botocore not importable ({e}); install python3-botocore'
    print(f'1..{len(CASES)}')
    tool = find_tool()
    if not setup_error and (not tool or not os.access(tool, os.X_OK)):
        setup_error = ('sigv4_tool not found: build it (make) or set '
                       'SIGV4_TOOL')
    failed = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        for n, case in enumerate(CASES, 1):
            problems = []
            our_creq = their_creq = None
            if setup_error:
                problems = [setup_error]
            else:
                try:
                    theirs, their_creq = botocore_sign(case)
                    ours, our_creq, err = tool_sign(tool, case, tmpdir)
                    problems = [err] if err else compare(case, ours, theirs)
                except Exception as e:  # report, keep going
                    problems = [f'{type(e).__name__}: {e}']
            if problems:
                failed += 1
                print(f'not ok {n} - {case["name"]}')
                for p in problems:
                    diag(p)
                if our_creq != their_creq:
                    diag('our canonical request:')
                    diag(our_creq)
                    diag('botocore canonical request:')
                    diag(their_creq)
            else:
                print(f'ok {n} - {case["name"]}')
    sys.stdout.flush()
    return min(failed, 254)


if __name__ == '__main__':
    sys.exit(main())
