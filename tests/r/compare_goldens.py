#!/usr/bin/env python3
"""Compare regenerated goldens with tests/reference/goldens, field by field.

    python3 tests/r/compare_goldens.py OUTDIR [--ref DIR] [--rtol 1e-9] [dataset ...]

Numbers match when |a - b| <= rtol * max(|a|, |b|) (exact for integers and
zero); null, strings and booleans must be equal; objects must have the same
keys; arrays the same length. The `software` block is ignored. Every
difference is printed as a JSON path; exit status 1 if there is any.
"""
import argparse
import json
import math
import os
import sys


def num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def compare(a, b, path, rtol, out):
    if num(a) and num(b):
        if a == b:
            return
        if abs(a - b) <= rtol * max(abs(a), abs(b)):
            return
        out.append(f"{path}: expected {b!r}, got {a!r} (rel diff {abs(a - b) / max(abs(a), abs(b)):.3g})")
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in b:
            if k not in a:
                out.append(f"{path}.{k}: missing in regenerated output")
        for k in a:
            if k not in b:
                out.append(f"{path}.{k}: not in the reference golden")
        for k in b:
            if k in a:
                compare(a[k], b[k], f"{path}.{k}", rtol, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)}, expected {len(b)}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", rtol, out)
        return
    if type(a) is not type(b) or a != b:
        out.append(f"{path}: expected {json.dumps(b)[:200]}, got {json.dumps(a)[:200]}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("datasets", nargs="*")
    ap.add_argument("--ref", default=os.path.join(here, "..", "reference", "goldens"))
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--ignore", action="append", default=["software"],
                    help="top-level block to skip (software always)")
    args = ap.parse_args()
    names = args.datasets or sorted(f[:-5] for f in os.listdir(args.ref) if f.endswith(".json"))
    total = 0
    for name in names:
        ref_path = os.path.join(args.ref, name + ".json")
        new_path = os.path.join(args.outdir, name + ".json")
        if not os.path.exists(new_path):
            print(f"{name}: no regenerated file {new_path}")
            total += 1
            continue
        with open(ref_path) as f:
            ref = json.load(f)
        with open(new_path) as f:
            new = json.load(f)
        for k in args.ignore:
            ref.pop(k, None)
            new.pop(k, None)
        out = []
        compare(new, ref, name, args.rtol, out)
        for line in out:
            print(line)
        print(f"{name}: {len(out)} difference(s)")
        total += len(out)
    print(f"total: {total} difference(s)")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
