"""moto_server: starts moto's standalone server on a free loopback port with request
authentication switched on, and creates the IAM user whose keys the tests sign with.

moto checks signatures only after INITIAL_NO_AUTH_ACTION_COUNT actions (moto/core/
authorization.py: ActionAuthenticatorMixin counts every authenticated action; below the
count nothing is checked). We set it to 3 and spend exactly those 3 unauthenticated actions
on IAM CreateUser, CreateAccessKey and PutUserPolicy (Allow *:*, since moto also evaluates
IAM policies once authentication is on); from then on every request must be signed with
that access key."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import ports  # noqa: E402

SETUP_ACTIONS = 3
USER = "forkcast-test"


def moto_available():
    """None when moto can be imported by this interpreter, else the reason."""
    try:
        import moto  # noqa: F401
        import boto3  # noqa: F401
    except ImportError as e:
        return str(e)
    return None


def _free_port():
    return ports.free_port()  # t/lib/ports.py: safe when tests run in parallel


class MotoServer:
    def __init__(self, raw_uri=False):
        """raw_uri: verify signatures against the request line as sent (t/lib/moto_raw.py),
        for S3 requests whose query holds an encoded '/'."""
        self.port = _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = tempfile.NamedTemporaryFile(prefix="fc-moto-", suffix=".log", delete=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
        self.proc = subprocess.Popen(
            [sys.executable] +
            ([os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_raw.py")]
             if raw_uri else ["-m", "moto.server"]) + ["-H", "127.0.0.1", "-p", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()
        self.access_key_id, self.secret_access_key = self._create_user()

    def _wait(self):
        # A bare TCP connect: an HTTP request could count as one of the unauthenticated actions.
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("moto exited: %s" % self.logtext())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("moto did not start: %s" % self.logtext())

    def _create_user(self):
        import boto3
        iam = boto3.client("iam", endpoint_url=self.url, region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName=USER)
        key = iam.create_access_key(UserName=USER)["AccessKey"]
        iam.put_user_policy(UserName=USER, PolicyName="everything", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        return key["AccessKeyId"], key["SecretAccessKey"]

    def logtext(self):
        try:
            with open(self.log.name, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)
