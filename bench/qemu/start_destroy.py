#!/usr/bin/env python3
"""Starting and destroying a diskless guest under TCG, side by side in one run:

- plain QEMU, launched by hand with the very command line virthub builds (virConnectDomainXMLToNative),
  to "running" over QMP (qmp_capabilities, cont), and SIGTERM to process gone;
- virthub's QEMU driver on qemu:///embed: createXML to running, destroy to process gone.

Debian's libvirt (libvirtd with qemu:///system) is not measured here yet.

    PYTHONPATH=build/bindings/python python3 bench/qemu/start_destroy.py [--runs N]
"""
import argparse
import json
import os
import shlex
import socket
import statistics
import subprocess
import tempfile
import time

import virthub as libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = os.path.join(HERE, '..', '..', 'tests', 'qemu', 'argv', 'minimal.xml')


def plain(argv, sock):
    t0 = time.perf_counter()
    q = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = t0 + 30
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=15)
    args = ap.parse_args()
    xml = open(GUEST).read()
    with tempfile.TemporaryDirectory() as root:
        conn = libvirt.open('qemu:///embed?root=' + root)
        argv = shlex.split(conn.domainXMLToNative('qemu-argv', xml, 0))
        sock = argv[argv.index('-qmp') + 1].split(':', 1)[1].split(',')[0]
        os.makedirs(os.path.dirname(sock), exist_ok=True)
        rows = {'plain': ([], []), 'virthub': ([], [])}
        for _ in range(args.runs):
            a, b = plain(argv, sock)
            rows['plain'][0].append(a)
            rows['plain'][1].append(b)
            t0 = time.perf_counter()
            dom = conn.createXML(xml, 0)
            rows['virthub'][0].append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            dom.destroy()
            rows['virthub'][1].append(time.perf_counter() - t1)
        conn.close()
    ms = {k: (statistics.median(v[0]) * 1000, statistics.median(v[1]) * 1000) for k, v in rows.items()}
    print('| workload (diskless x86 guest, TCG, medians of %d) | plain QEMU | virthub qemu:///embed | ratio |' % args.runs)
    print('|---|---:|---:|---:|')
    print('| start to running | %.1f ms | %.1f ms | %.2fx |' % (ms['plain'][0], ms['virthub'][0], ms['virthub'][0] / ms['plain'][0]))
    print('| destroy to process gone | %.1f ms | %.1f ms | %.2fx |' % (ms['plain'][1], ms['virthub'][1], ms['virthub'][1] / ms['plain'][1]))


if __name__ == '__main__':
    main()
