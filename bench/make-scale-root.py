#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds a large NixOS-like tree for the scale benchmark: GENERATIONS system generations
(one link a day back in time, each a closure with its label, kernel, initrd, modules,
systemd; 20 kernels and 10 systemd versions shared between them), the last one running, the
one before booted, and a flake.lock of LOCK_NODES nodes linked into the running system.

The lock is shaped like a large real one: 40 root inputs, every other node an input of an
earlier node, a third of the nested nixpkgs/flake-utils inputs written as follows paths.

Usage: make-scale-root.py DIR [--generations 1000] [--lock-nodes 500]   (DIR is replaced)
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import time

DAY = 86400


def store_path(name):
    return "/nix/store/%s-%s" % (hashlib.sha256(name.encode()).hexdigest()[:32], name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--generations", type=int, default=1000)
    ap.add_argument("--lock-nodes", type=int, default=500)
    args = ap.parse_args()
    root = os.path.abspath(args.dir)
    shutil.rmtree(root, ignore_errors=True)
    for d in ("nix/store", "nix/var/nix/profiles", "run", "etc/nixos"):
        os.makedirs(os.path.join(root, d))
    now = int(time.time())

    def host(path):
        return root + path

    def mkdir(path):
        os.makedirs(host(path), exist_ok=True)

    def write(path, text):
        with open(host(path), "w") as f:
            f.write(text)

    systems = {}
    n = args.generations
    first = 1
    for number in range(first, first + n):
        days_ago = first + n - 1 - number
        date = time.gmtime(now - days_ago * DAY)
        label = "26.05.%04d%02d%02d.%07x" % (date.tm_year, date.tm_mon, date.tm_mday, number * 7919 % 0xFFFFFFF)
        kernel = "6.12.%d" % (number * 20 // n)
        systemd = "257.%d" % (number * 10 // n)
        out = store_path("nixos-system-scale-%s-%d" % (label, number))
        k, m = store_path("linux-" + kernel), store_path("linux-%s-modules" % kernel)
        i, s = store_path("initrd-linux-" + kernel), store_path("systemd-" + systemd)
        for d in (k, i, s + "/bin", "%s/lib/modules/%s" % (m, kernel), out + "/specialisation"):
            mkdir(d)
        open(host(k + "/bzImage"), "a").close()
        open(host(i + "/initrd"), "a").close()
        write(out + "/nixos-version", label)
        write(out + "/init-interface-version", "systemd 2")
        os.symlink(k + "/bzImage", host(out + "/kernel"))
        os.symlink(m, host(out + "/kernel-modules"))
        os.symlink(i + "/initrd", host(out + "/initrd"))
        os.symlink(s, host(out + "/systemd"))
        link = host("/nix/var/nix/profiles/system-%d-link" % number)
        os.symlink(out, link)
        t = now - days_ago * DAY
        os.utime(link, (t, t), follow_symlinks=False)
        systems[number] = out
    last = first + n - 1
    current, booted = systems[last], systems[max(first, last - 1)]
    os.symlink("system-%d-link" % last, host("/nix/var/nix/profiles/system"))
    os.symlink(current, host("/run/current-system"))
    os.symlink(booted, host("/run/booted-system"))

    write(current + "/flake.lock", json.dumps(make_lock(args.lock_nodes, now), indent=2, sort_keys=True))
    print("scale root in %s: %d generations, a %d-node flake.lock" % (root, n, args.lock_nodes))


def make_lock(count, now):
    """count nodes besides root: 40 root inputs, the rest nested inputs of earlier nodes."""
    nodes = {}
    root_inputs = {}
    names = []
    types = ["github", "github", "github", "gitlab", "sourcehut", "git", "tarball", "path"]
    for index in range(count):
        name = "nixpkgs" if index == 0 else "input%d" % index
        kind = types[index % len(types)]
        rev = hashlib.sha1(name.encode()).hexdigest()
        locked = {"type": kind, "narHash": "sha256-" + hashlib.sha256(name.encode()).hexdigest()[:43] + "="}
        original = {"type": kind}
        if kind in ("github", "gitlab", "sourcehut"):
            locked.update(owner="owner%d" % (index % 17), repo=name, rev=rev)
            original.update(owner=locked["owner"], repo=name, ref="main")
        elif kind == "git":
            locked.update(url="https://git.example.org/%s" % name, rev=rev, ref="main")
            original.update(url=locked["url"])
        elif kind == "tarball":
            locked.update(url="https://example.org/%s.tar.gz" % name)
            original.update(url=locked["url"])
        else:
            locked.update(path="/srv/%s" % name)
            original.update(path=locked["path"])
        if index % 5 != 4 and kind != "path":
            locked["lastModified"] = now - (index * 3600 * 7) % (90 * DAY)
        node = {"locked": locked, "original": original}
        if index % 11 == 10:
            node["flake"] = False
        nodes[name] = node
        names.append(name)
        if index < 40:
            root_inputs[name if index else "nixpkgs"] = name
        else:
            parent = names[random.Random(index).randrange(index)]
            nodes[parent].setdefault("inputs", {})["dep%d" % index] = name
    # Follows: a third of the nodes with inputs also follow the root's nixpkgs and input1.
    for index, name in enumerate(names):
        if "inputs" in nodes[name] and index % 3 == 0:
            nodes[name]["inputs"]["nixpkgs"] = ["nixpkgs"]
            nodes[name]["inputs"]["utils"] = ["input1"]
    # Root inputs that follow other inputs' inputs, as `inputs.x.follows = "a/b"` writes them.
    with_inputs = [n for n in names[:40] if "inputs" in nodes[n]]
    for j, name in enumerate(with_inputs[:5]):
        dep = next(iter(k for k, v in nodes[name]["inputs"].items() if isinstance(v, str)), None)
        if dep:
            root_inputs["follows%d" % j] = [name, dep]
    nodes["root"] = {"inputs": root_inputs}
    return {"nodes": nodes, "root": "root", "version": 7}


if __name__ == "__main__":
    main()
