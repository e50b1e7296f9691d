"""A local SMTP sink for the tests (Python's standard library only): accepts every mail on a
loopback port and keeps it, so a test can read what the site sent (t/reset.t)."""
import os
import socketserver
import threading


class SmtpSink:
    """spool: a folder where each mail is also written as <n>.eml (for t/browser scripts)."""

    def __init__(self, spool=None):
        self.messages = []  # (mail_from, [rcpt], data as str)
        self.cond = threading.Condition()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                w = self.wfile.write
                w(b"220 sink ESMTP\r\n")
                frm, rcpt = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("utf-8", "replace").strip()
                    up = cmd.upper()
                    if up.startswith("EHLO"):
                        w(b"250-sink\r\n250 8BITMIME\r\n")
                    elif up.startswith("HELO"):
                        w(b"250 sink\r\n")
                    elif up.startswith("MAIL FROM:"):
                        frm, rcpt = cmd[10:].strip(), []
                        w(b"250 OK\r\n")
                    elif up.startswith("RCPT TO:"):
                        rcpt.append(cmd[8:].strip())
                        w(b"250 OK\r\n")
                    elif up == "DATA":
                        w(b"354 go ahead\r\n")
                        data = []
                        while True:
                            l = self.rfile.readline()
                            if not l or l in (b".\r\n", b".\n"):
                                break
                            data.append(l[1:] if l.startswith(b"..") else l)
                        with sink.cond:
                            text = b"".join(data).decode("utf-8", "replace")
                            sink.messages.append((frm, rcpt, text))
                            if spool:
                                tmp = os.path.join(spool, ".%d.tmp" % len(sink.messages))
                                with open(tmp, "w") as f:
                                    f.write(text)
                                os.rename(tmp, os.path.join(spool, "%d.eml" % len(sink.messages)))
                            sink.cond.notify_all()
                        w(b"250 queued\r\n")
                    elif up == "QUIT":
                        w(b"221 bye\r\n")
                        return
                    else:
                        w(b"250 OK\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def wait(self, n, timeout=10):
        """Waits until n messages came; returns them."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= n, timeout)
            return list(self.messages)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
