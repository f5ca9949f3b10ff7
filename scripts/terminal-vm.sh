#!/usr/bin/env bash
# The terminal as a center installs it, in a virtual machine: Debian 12 from Debian's packages, the project's .deb
# installed with `apt install`, the kiosk on a virtio-gpu DRM/KMS panel with a USB tablet for touch, a USB
# keyboard as the HID code scanner, vivid as the camera, the ID card reader and a serial scanner on serial ports
# wired to the host's simulators, the printer and the HTTPS back office on the host. Walked from outside through
# QMP and the guest agent; exits 0 only when every step held, and prints the measurements.
#
#   scripts/terminal-vm.sh [--keep DIR] [--accel auto|kvm|tcg]
#
# --keep DIR leaves there home.png (the panel at Home as the guest drew it), journal.txt (the guest's journal),
# results.txt (the measurements) and the rest of the run. Needs root (the image is built with mke2fs -d from an
# unpacked tree), qemu-system-x86, mmdebstrap, openssl and python3-pil; .ci/run installs them.
set -euo pipefail
# A failure inside $(…) stops the script too.
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

keep=()
accel=auto
while [ $# -gt 0 ]; do
    case "$1" in
        --keep) keep=(--keep "$2"); shift 2 ;;
        --accel) accel="$2"; shift 2 ;;
        *) echo "usage: $0 [--keep DIR] [--accel auto|kvm|tcg]" >&2; exit 2 ;;
    esac
done

target=${CARGO_TARGET_DIR:-$PWD/target}
command -v cargo-deb >/dev/null || cargo install cargo-deb --locked --version 3.8.0

# The terminal build and its package, as CI builds them (debug, to reuse the test build). cargo-deb removes the
# older build of a package from target/debian, so each is kept in target/vm.
mkdir -p "$target/vm"
package() {
    local built
    built=$(cargo deb --no-build --profile dev --fast "$@" | tail -n 1)
    cp "$built" "$target/vm/"
    echo "$target/vm/$(basename "$built")"
}
cargo build --no-default-features --features terminal
deb=$(package)
# The upgrade: a newer build of the same package (another build tag, so the running version visibly changes).
KIOSK_BUILD_TAG=vm-upgrade cargo build --no-default-features --features terminal
upgrade=$(package --deb-revision 2)

# The finger movements of the path at the panel's size, from a headless walk of the same UI, and the headless
# screenshot of Home the panel is compared with (both written under the checkout's target/). The test build also
# puts back a plain kiosk binary for the host's simulators.
cargo test --test ui -q -- terminal_taps:: ui_shell::

exec /usr/bin/python3 scripts/terminal_vm/terminal_vm.py \
    --kiosk "$target/debug/kiosk" --deb "$deb" --deb "$upgrade" \
    --taps "$PWD/target/vm/taps.json" --cache "$target/vm" --accel "$accel" "${keep[@]}"
