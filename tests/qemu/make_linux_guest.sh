#!/usr/bin/env bash
# Builds the small Linux guest the QEMU live tests boot under TCG (QEMU-FACTS.md): Debian's
# cloud kernel and an initramfs holding busybox-static, whose init prints to the serial port,
# loads the virtio disk driver, waits for the ACPI power button and powers off at its first press.
#   make_linux_guest.sh OUTDIR   ->  OUTDIR/vmlinuz, OUTDIR/initrd.img
set -euo pipefail
out=$(realpath -m "$1")
# built once, again when this script changes
stamp=$(sha256sum "$0" | cut -d' ' -f1)
[ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] && [ "$(cat "$out/.built-by" 2>/dev/null)" = "$stamp" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
kernel=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
apt-get download -q "$kernel" busybox-static >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get download -q "$kernel" busybox-static >/dev/null
}
mkdir pkg root
for deb in *.deb; do dpkg-deb -x "$deb" pkg; done
mkdir -p root/bin root/lib root/proc root/sys root/dev
cp pkg/bin/busybox root/bin/busybox
for mod in drivers/input/evdev.ko drivers/acpi/button.ko; do
    cp "$(find pkg/lib/modules -path "*/$mod*" | head -1)" root/lib/
done
# the virtio disk driver and what it needs, where the kernel has them as modules (loaded in
# this order): a virtio disk, hot-plugged too, is then probed and read
mkdir -p root/lib/virtio
n=10
for mod in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev virtio/virtio_pci_modern_dev \
           virtio/virtio_pci block/virtio_blk; do
    f=$(find pkg/lib/modules -path "*/drivers/$mod.ko*" | head -1)
    [ -n "$f" ] && cp "$f" "root/lib/virtio/$n-$(basename "$f")"
    n=$((n + 1))
done
cat > root/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /lib/*.ko* /lib/virtio/*.ko*; do [ -e "$m" ] && insmod "$m"; done
echo "virthub-guest: up" > /dev/ttyS0
dev=
for i in $(seq 1 100); do
    for e in /sys/class/input/event*; do
        grep -q "Power Button" "$e/device/name" 2>/dev/null && dev=/dev/input/${e##*/}
    done
    [ -n "$dev" ] && [ -e "$dev" ] && break
    sleep 0.1
done
# open the button before saying so: a press with no reader is lost
exec 3<"$dev"
echo "virthub-guest: ready $dev" > /dev/ttyS0
dd of=/dev/null bs=24 count=1 <&3 2>/dev/null
echo "virthub-guest: powering off" > /dev/ttyS0
poweroff -f
INIT
chmod +x root/init
mkdir -p "$out"
(cd root && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.img.new"
cp pkg/boot/vmlinuz-* "$out/vmlinuz.new"
mv "$out/initrd.img.new" "$out/initrd.img"
mv "$out/vmlinuz.new" "$out/vmlinuz"
echo "$stamp" > "$out/.built-by"
