"""The guest as a technician and an applicant meet it: the unit through systemctl and the journal (over the guest
agent), the panel through QMP's screendump, and a finger through QMP's tablet events."""

import re
import time

import screen
from hostsims import wait_for


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Terminal:
    # Between two taps of a replayed path: the kiosk queues what comes faster, but a person is not faster either.
    TAP_GAP = 0.25

    def __init__(self, vm, taps, work):
        self.vm, self.work = vm, work
        self.named = taps["named"]
        self.path = taps["path"]
        self.rotation = 0
        self.window = (1080, 1920)

    @property
    def qga(self):
        return self.vm.qga

    # --- the unit -------------------------------------------------------------------------------------------

    def show(self, prop):
        return self.qga.sh(f"systemctl show kiosk -p {prop} --value").strip()

    def main_pid(self):
        return int(self.show("MainPID") or 0)

    def wait_active(self, timeout=300):
        def active():
            state = self.show("ActiveState")
            if state == "failed":
                raise RuntimeError("kiosk.service failed:\n" + self.journal_tail())
            return state == "active" and self.main_pid() != 0

        wait_for("kiosk.service active (READY=1)", active, timeout, interval=1)

    def journal_tail(self, lines=60):
        return self.qga.sh(f"journalctl -u kiosk -n {lines} --no-pager -o cat", check=False)

    def own_log(self, pattern):
        """The running kiosk's own journal lines (this process only) that match `pattern` (grep -E)."""
        pid = self.main_pid()
        if pid == 0:
            return []
        text = self.qga.sh(f"journalctl -b _PID={pid} -o cat --no-pager | grep -E '{pattern}' || true",
                           check=False)
        return [line for line in text.splitlines() if line.strip()]

    def screen(self):
        """The screen the running kiosk last said it shows (its journal's `screen shown` lines)."""
        lines = self.own_log("screen shown")
        found = re.search(r"screen=(\w+)", lines[-1]) if lines else None
        # The kiosk starts at Home and logs only changes.
        return found.group(1) if found else "Home"

    def wait_screen(self, name, timeout=120):
        wait_for(f"the {name} screen", lambda: self.screen() == name, timeout, interval=0.5)

    def memory(self):
        current = int(self.show("MemoryCurrent") or 0)
        pid = self.main_pid()
        rss = self.qga.sh(f"awk '/^VmRSS/ {{print $2}}' /proc/{pid}/status", check=False).strip()
        return f"{current / 2**20:.1f} MiB cgroup, {int(rss or 0) / 1024:.1f} MiB RSS"

    def outbox(self):
        """`kiosk outbox list` as the kiosk user, beside the running kiosk: (receipt, state) rows."""
        text = self.qga.sh("runuser -u kiosk -- kiosk --config /etc/kiosk/kiosk.toml outbox list")
        return [tuple(line.split()[:2]) for line in text.splitlines()[1:] if line.strip()]

    # --- the panel and the finger ---------------------------------------------------------------------------

    def screendump(self, name):
        """The panel as the guest drew it, turned back upright when the picture is rotated on the panel."""
        path = self.work / f"{name}.png"
        self.vm.qmp.execute("screendump", filename=str(path), format="png")
        if self.rotation:
            screen.upright(path, self.rotation)
        return path

    def _panel(self, x, y):
        return screen.window_to_panel(x, y, self.vm.panel, self.rotation)

    def tap_at(self, x, y):
        px, py = self._panel(x, y)
        self.vm.qmp.tap(px, py, *self.vm.panel)

    def tap(self, name):
        """A finger on the centre of a button the headless walk found (`Screen/label`)."""
        x, y = self.named[name]
        self.tap_at(x, y)

    def drag(self, points):
        width, height = self.vm.panel
        qmp = self.vm.qmp
        first = self._panel(*points[0])
        qmp.pointer(*first, width, height)
        qmp.pointer(*first, width, height, down=True)
        for point in points[1:]:
            time.sleep(0.016)
            qmp.pointer(*self._panel(*point), width, height)
        # Held still past Slint's fling window, so the content moves by exactly the finger's distance.
        time.sleep(0.3)
        qmp.pointer(*self._panel(*points[-1]), width, height, down=False)
        time.sleep(0.3)

    def replay(self, until_mark, host, measure=None):
        """Plays the headless walk's finger movements from where the last replay stopped to the mark
        `until_mark`, waiting where it says (a screen, a page captured) and doing the host's part
        (`host[action]()`)."""
        while self.path:
            action = self.path.pop(0)
            if "mark" in action:
                if action["mark"] == until_mark:
                    return
            elif "tap" in action:
                self.tap_at(*action["tap"])
                time.sleep(self.TAP_GAP)
            elif "drag" in action or "stroke" in action:
                self.drag(action.get("drag") or action.get("stroke"))
            elif "screen" in action:
                self.wait_screen(action["screen"], 180)
                if measure:
                    measure(action["screen"])
            elif "pages" in action:
                wanted = action["pages"]
                wait_for(f"page {wanted} captured from the camera",
                         lambda: len(self.own_log("page captured")) >= wanted, 120, interval=0.5)
            elif "host" in action:
                host[action["host"]]()
        raise RuntimeError(f"the recorded path has no mark {until_mark!r}")
