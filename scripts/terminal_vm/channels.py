"""The two ways the host talks to the virtual terminal: QMP (QEMU's monitor: screen, touch, keys, power) and the
guest agent inside the guest (commands and files), both JSON over Unix sockets."""

import base64
import json
import socket
import time


class ChannelError(Exception):
    pass


class _JsonSocket:
    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as error:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise ChannelError(f"cannot connect to {path}: {error}") from error
                time.sleep(0.2)
        self.buffer = b""

    def send(self, message):
        self.sock.sendall(json.dumps(message).encode() + b"\n")

    def receive(self, timeout):
        """One JSON object; QMP and the agent both end each with a newline."""
        self.sock.settimeout(timeout)
        while b"\n" not in self.buffer:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout as error:
                raise ChannelError("no answer in time") from error
            if not chunk:
                raise ChannelError("the socket closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        # The agent's sync answer may be preceded by the 0xff delimiter.
        line = line.lstrip(b"\xff").strip()
        if not line:
            return self.receive(timeout)
        return json.loads(line)

    def close(self):
        self.sock.close()


class Qmp:
    """QEMU's monitor: screendump, input-send-event, system_reset and friends."""

    def __init__(self, path, timeout=30):
        self.channel = _JsonSocket(path, timeout)
        self.channel.receive(timeout)  # the greeting
        self.execute("qmp_capabilities")

    def execute(self, command, timeout=60, **arguments):
        message = {"execute": command}
        if arguments:
            message["arguments"] = arguments
        self.channel.send(message)
        while True:
            answer = self.channel.receive(timeout)
            if "event" in answer:
                continue
            if "error" in answer:
                raise ChannelError(f"{command}: {answer['error'].get('desc')}")
            return answer.get("return")

    def screendump(self, path):
        self.execute("screendump", filename=str(path))

    # The tablet's absolute axes run 0..0x7fff across the whole panel.
    AXIS_MAX = 0x7FFF

    def _abs(self, x, y, width, height):
        return [
            {"type": "abs", "data": {"axis": "x", "value": round(x * self.AXIS_MAX / (width - 1))}},
            {"type": "abs", "data": {"axis": "y", "value": round(y * self.AXIS_MAX / (height - 1))}},
        ]

    def pointer(self, x, y, width, height, down=None):
        events = self._abs(x, y, width, height)
        if down is not None:
            events.append({"type": "btn", "data": {"button": "left", "down": down}})
        self.execute("input-send-event", device="panel", events=events)

    def tap(self, x, y, width, height):
        """A finger down and up on panel pixel (x, y)."""
        self.pointer(x, y, width, height)
        time.sleep(0.05)
        self.pointer(x, y, width, height, down=True)
        time.sleep(0.08)
        self.pointer(x, y, width, height, down=False)

    def _key(self, qcode, down):
        self.execute("input-send-event", device="panel",
                     events=[{"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}])
        # QEMU's USB keyboard queues 16 key changes and drops the rest: let the guest's polls take each one.
        time.sleep(0.03)

    # What a code scanner in keyboard mode types: US layout, capitals with shift, Enter at the end.
    QCODES = {" ": "spc", "-": "minus", "\n": "ret", "/": "slash", ".": "dot"}

    def type_on_keyboard(self, text):
        for char in text:
            qcode = self.QCODES.get(char) or char.lower()
            shifted = char.isupper()
            if shifted:
                self._key("shift", True)
            self._key(qcode, True)
            self._key(qcode, False)
            if shifted:
                self._key("shift", False)


class Qga:
    """The QEMU guest agent in the guest: runs commands as root and reads files, without a network login."""

    def __init__(self, path, timeout):
        self.path = path
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                self.channel = _JsonSocket(path, 5)
                self._sync()
                return
            except (ChannelError, OSError, ValueError) as error:
                last = error
                try:
                    self.channel.close()
                except Exception:
                    pass
                time.sleep(1)
        raise ChannelError(f"the guest agent did not answer in {timeout} s: {last}")

    def _sync(self):
        token = int(time.monotonic() * 1000) % 2**31
        self.channel.send({"execute": "guest-sync-delimited", "arguments": {"id": token}})
        while True:
            answer = self.channel.receive(3)
            if answer.get("return") == token:
                return

    def execute(self, command, timeout=30, **arguments):
        message = {"execute": command}
        if arguments:
            message["arguments"] = arguments
        self.channel.send(message)
        answer = self.channel.receive(timeout)
        if "error" in answer:
            raise ChannelError(f"{command}: {answer['error'].get('desc')}")
        return answer.get("return")

    def run(self, argv, timeout=120, stdin=None, check=True):
        """Runs argv in the guest; returns (exit code, stdout, stderr) as text."""
        arguments = {"path": argv[0], "arg": argv[1:], "capture-output": True}
        if stdin is not None:
            arguments["input-data"] = base64.b64encode(stdin.encode()).decode()
        pid = self.execute("guest-exec", **arguments)["pid"]
        deadline = time.monotonic() + timeout
        while True:
            status = self.execute("guest-exec-status", pid=pid)
            if status.get("exited"):
                break
            if time.monotonic() > deadline:
                raise ChannelError(f"{' '.join(argv)}: still running after {timeout} s")
            time.sleep(0.2)
        out = base64.b64decode(status.get("out-data", "")).decode(errors="replace")
        err = base64.b64decode(status.get("err-data", "")).decode(errors="replace")
        if status.get("out-truncated") or status.get("err-truncated"):
            raise ChannelError(f"{' '.join(argv)}: the agent cut its output short")
        code = status.get("exitcode", -1)
        if check and code != 0:
            raise ChannelError(f"{' '.join(argv)} exited {code}: {err.strip() or out.strip()}")
        return code, out, err

    def sh(self, script, timeout=120, check=True):
        return self.run(["/bin/sh", "-c", script], timeout=timeout, check=check)[1]

    def read_file(self, path):
        handle = self.execute("guest-file-open", path=path, mode="r")
        data = b""
        try:
            while True:
                chunk = self.execute("guest-file-read", handle=handle, count=1 << 20)
                data += base64.b64decode(chunk["buf-b64"])
                if chunk.get("eof"):
                    break
        finally:
            self.execute("guest-file-close", handle=handle)
        return data

    def write_file(self, path, data):
        handle = self.execute("guest-file-open", path=path, mode="w")
        try:
            for start in range(0, len(data), 1 << 20):
                chunk = base64.b64encode(data[start : start + (1 << 20)]).decode()
                self.execute("guest-file-write", handle=handle, **{"buf-b64": chunk})
        finally:
            self.execute("guest-file-close", handle=handle)

    def close(self):
        self.channel.close()
