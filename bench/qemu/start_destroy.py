#!/usr/bin/env python3
"""Starting and destroying a diskless guest under TCG, side by side in one run:

- plain QEMU, launched by hand with the very command line virthub builds
  (virConnectDomainXMLToNative), to "running" over QMP (qmp_capabilities, cont), and SIGTERM to
  process gone;
- virthub's QEMU driver on qemu:///embed, and on qemu:///system when run as root while no
  libvirtd runs (the two share libvirt's directories, as two libvirtds would);
- Debian's libvirt 9.0 (libvirtd, qemu:///system, python3-libvirt), when installed: started for
  the run if it is not running, stopped again after.

Each column runs in a process of its own (both Python modules load a libvirt.so.0).
"start" is createXML until it returns (the guest runs); "destroy" is destroy() until QEMU's
process is gone. KVM is measured where the driver offers it (not on machines whose KVM does
not run guests, see QEMU-FACTS.md).

    /usr/bin/python3 bench/qemu/start_destroy.py [--runs N]   (PYTHONPATH=build/bindings/python)
"""
import argparse
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = os.path.join(HERE, '..', '..', 'tests', 'qemu', 'argv', 'minimal.xml')


def qemu_pid(name, deadline=5.0):
    """The pid of the QEMU running guest `name` (its -name guest=NAME)."""
    end = time.perf_counter() + deadline
    while time.perf_counter() < end:
        for p in os.listdir('/proc'):
            if p.isdigit():
                try:
                    with open('/proc/%s/cmdline' % p, 'rb') as f:
                        if b'guest=' + name.encode() + b',' in f.read():
                            return int(p)
                except OSError:
                    pass
        time.sleep(0.001)
    return None


def wait_gone(pid, deadline=10.0):
    end = time.perf_counter() + deadline
    while time.perf_counter() < end:
        try:
            with open('/proc/%d/stat' % pid) as f:
                if ') Z' in f.read():
                    return
        except OSError:
            return
        time.sleep(0.0005)
    raise RuntimeError('QEMU %d did not exit' % pid)


def plain_run(argv, sock):
    t0 = time.perf_counter()
    q = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = t0 + 30
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sock)
            break
        except OSError:
            s.close()
            if time.perf_counter() > deadline:
                q.kill()
                raise RuntimeError('QEMU did not open its monitor')
            time.sleep(0.001)
    f = s.makefile('rw')
    f.readline()
    for cmd in ('qmp_capabilities', 'cont'):
        f.write(json.dumps({'execute': cmd}) + '\n')
        f.flush()
        for _ in range(100):
            if 'return' in f.readline():
                break
    started = time.perf_counter() - t0
    t1 = time.perf_counter()
    q.terminate()
    q.wait(timeout=30)
    stopped = time.perf_counter() - t1
    s.close()
    return started, stopped


def column(kind, uri, runs, virt_type):
    """One column's medians, measured in this process."""
    xml = open(GUEST).read().replace("type='qemu'", "type='%s'" % virt_type, 1)
    if kind == 'libvirt':
        import libvirt
    else:
        import virthub as libvirt
    starts, stops = [], []
    with tempfile.TemporaryDirectory() as root:
        conn = libvirt.open(uri.replace('@ROOT@', root))
        if kind == 'plain':
            # QEMU by hand under KVM too, whether or not the driver offers it
            argv = shlex.split(conn.domainXMLToNative('qemu-argv', open(GUEST).read(), 0))
            argv = [w.replace('accel=tcg', 'accel=' + ('kvm' if virt_type == 'kvm' else 'tcg')) for w in argv]
            sock = argv[argv.index('-qmp') + 1].split(':', 1)[1].split(',')[0]
            os.makedirs(os.path.dirname(sock), exist_ok=True)
        for i in range(runs):
            if kind == 'plain':
                a, b = plain_run(argv, sock)
            else:
                name = 'bench%d' % i
                guest = xml.replace('<name>minimal</name>', '<name>%s</name>' % name).replace(
                    '<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>', '')
                t0 = time.perf_counter()
                dom = conn.createXML(guest, 0)
                a = time.perf_counter() - t0
                pid = qemu_pid(name)
                t1 = time.perf_counter()
                dom.destroy()
                wait_gone(pid)
                b = time.perf_counter() - t1
            starts.append(a)
            stops.append(b)
        conn.close()
    return {'start': statistics.median(starts) * 1000, 'destroy': statistics.median(stops) * 1000}


def run_column(kind, uri, runs, virt_type, python):
    r = subprocess.run([python, __file__, '--column', kind, '--uri', uri, '--runs', str(runs), '--type', virt_type],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        last = (r.stderr.strip().splitlines() or ['failed'])[-1]
        return {'error': last.split('libvirtError: ')[-1].split('Z qemu-system-x86_64: ')[-1]}
    return json.loads(r.stdout)


def libvirtd_running():
    return subprocess.run(['pgrep', '-x', 'libvirtd'], capture_output=True).returncode == 0


def start_libvirtd():
    """libvirtd (and virtlogd, which its QEMU driver logs through), if installed; True when
    this run started it."""
    if libvirtd_running():
        return False
    if not shutil.which('libvirtd'):
        return None
    subprocess.run(['virtlogd', '-d'], capture_output=True)
    subprocess.run(['libvirtd', '-d'], capture_output=True)
    for _ in range(200):
        if os.path.exists('/run/libvirt/libvirt-sock'):
            return True
        time.sleep(0.05)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=15)
    ap.add_argument('--column')
    ap.add_argument('--uri')
    ap.add_argument('--type', default='qemu')
    args = ap.parse_args()
    if args.column:
        print(json.dumps(column(args.column, args.uri, args.runs, args.type)))
        return
    python = sys.executable
    cols = [('plain QEMU', 'plain', 'qemu:///embed?root=@ROOT@'),
            ('virthub qemu:///embed', 'virthub', 'qemu:///embed?root=@ROOT@')]
    root = os.geteuid() == 0
    if root and not libvirtd_running():
        cols.append(('virthub qemu:///system', 'virthub', 'qemu:///system'))
    results = {}
    for virt_type in ('qemu', 'kvm'):
        for title, kind, uri in cols:
            results[(title, virt_type)] = run_column(kind, uri, args.runs, virt_type, python)
    started = start_libvirtd() if root else None
    try:
        if started is not None:
            for virt_type in ('qemu', 'kvm'):
                results[('libvirt 9.0 libvirtd qemu:///system', virt_type)] = run_column(
                    'libvirt', 'qemu:///system', args.runs, virt_type, '/usr/bin/python3')
    finally:
        if started:
            subprocess.run(['pkill', '-x', 'libvirtd'])
            subprocess.run(['pkill', '-x', 'virtlogd'])
    titles = list(dict.fromkeys(t for t, _ in results))
    print('Diskless x86_64 guest, medians of %d runs; ratios against plain QEMU.\n' % args.runs)
    print('| accel | workload | ' + ' | '.join(titles) + ' |')
    print('|---|---|' + '---:|' * len(titles))
    for virt_type in ('qemu', 'kvm'):
        for work in ('start', 'destroy'):
            base = results.get(('plain QEMU', virt_type), {}).get(work)
            cells = []
            for t in titles:
                r = results.get((t, virt_type), {})
                if work not in r:
                    cells.append('n/a: ' + r.get('error', 'not measured')[:110])
                elif t == 'plain QEMU' or not base:
                    cells.append('%.1f ms' % r[work])
                else:
                    cells.append('%.1f ms (%.2fx)' % (r[work], r[work] / base))
            label = 'createXML to running' if work == 'start' else 'destroy to process gone'
            print('| %s | %s | %s |' % ('TCG' if virt_type == 'qemu' else 'KVM', label, ' | '.join(cells)))


if __name__ == '__main__':
    main()
