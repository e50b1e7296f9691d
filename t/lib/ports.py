"""ports: a loopback port for a test's server that no other test running at the same time
(t/run runs test files in parallel) is handed, and that no client connection takes first.

Binding port 0 and closing the socket leaves a window before the server binds it: another
test's free_port() may be handed the same number, and any outgoing connection may take it
as its local port, since both come from the kernel's ephemeral range. So ports come from
below that range (20000-32767), each reserved by an flock on a file in a folder shared by
every test on this machine, held until this process exits; a port that is taken (bound by
someone else) is skipped."""
import fcntl
import os
import random
import socket
import tempfile

LOW, HIGH = 20000, 32767
_held = []  # the open lock files: the reservations last as long as this process


def _lock_dir():
    d = os.path.join(tempfile.gettempdir(), "fc-test-ports")
    os.makedirs(d, mode=0o777, exist_ok=True)
    return d


def free_port():
    d = _lock_dir()
    rnd = random.Random()  # seeded from the OS: processes started together pick apart
    for _ in range(1000):
        port = rnd.randint(LOW, HIGH)
        try:
            fd = os.open(os.path.join(d, str(port)), os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        s = socket.socket()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
        except OSError:
            os.close(fd)
            continue
        finally:
            s.close()
        _held.append(fd)
        return port
    raise RuntimeError("no free loopback port in %d-%d" % (LOW, HIGH))
