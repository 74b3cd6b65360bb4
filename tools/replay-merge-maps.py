#!/usr/bin/env python3
"""Merge the --map-out files of a capture replayed in shards (bpfemu replay
--shard K/N on several machines, or captures split by flow) into one, as if
one machine with all their CPUs had replayed the whole capture.

    tools/replay-merge-maps.py [--sum MAP]... [--base MAP_IN.json] [--cpus N]
                               SHARD0.json SHARD1.json ... > merged.json

- Per-CPU maps ("values"): the shards' CPUs are concatenated in argument
  order (shard 0's CPUs first); a key a shard lacks gets zero values for its
  CPUs. Sum the CPUs yourself for totals, as you would with bpftool.
- Other maps: the union of the entries. Sharding by flow keeps per-flow
  state (connection tables, per-source buckets) on one shard, so a key
  normally comes from one shard only. A key several shards hold with
  different values is an error, unless the map is named with --sum: then
  each shard's change is added, as little-endian 64-bit words (counters,
  {packets, bytes} records; the value size must be a multiple of 8):
  merged = base + sum(shard - base), where base is the value the --base
  file (the --map-in every shard started from) gives the key, else zero.
  Without --base, words that start non-zero (a rule id next to its hit
  counter) would be added too: give --base for such maps.
  Identical values (configuration the shards were given) are kept once.
- Ring buffer and perf records: concatenated in argument order.
--cpus N: CPUs per shard when a file has no per-CPU entry to tell (default:
read from the first per-CPU entry of each file, else 1).
"""
import json
import sys


def die(msg):
    sys.stderr.write("replay-merge-maps: %s\n" % msg)
    sys.exit(2)


def words(h):
    b = bytes.fromhex(h)
    return [int.from_bytes(b[i:i + 8], "little") for i in range(0, len(b), 8)]


def add_delta(acc, v, base, name, key):
    """acc + (v - base), word by word."""
    if len(acc) != len(v) or len(v) % 16 or (base and len(base) != len(v)):
        die("map %s key %s: --sum needs values of a multiple of 8 bytes" % (name, key))
    b = words(base) if base else [0] * (len(v) // 16)
    out = bytearray()
    for x, y, z in zip(words(acc), words(v), b):
        out += ((x + y - z) % (1 << 64)).to_bytes(8, "little")
    return out.hex()


def base_value(base, name, key, size):
    v = base.get(name, {}).get(key)
    if v is None:
        return None
    if isinstance(v, int):
        return v.to_bytes(size, "little").hex()
    return v[2:] if v.startswith("0x") else v


def cpus_of(doc, default):
    for m in doc.get("maps", []):
        for e in m.get("entries", []):
            if "values" in e:
                return len(e["values"])
    return default


def main(argv):
    sums, files, cpus, base_file = set(), [], None, None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--sum" and i + 1 < len(argv):
            sums.add(argv[i + 1])
            i += 2
        elif a == "--base" and i + 1 < len(argv):
            base_file = argv[i + 1]
            i += 2
        elif a == "--cpus" and i + 1 < len(argv):
            cpus = int(argv[i + 1])
            i += 2
        elif a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            return 0
        elif a.startswith("--"):
            die("unknown option %s" % a)
        else:
            files.append(a)
            i += 1
    if not files:
        die("no input files (see --help)")
    docs = []
    for f in files:
        try:
            with open(f) as fh:
                docs.append(json.load(fh))
        except (OSError, ValueError) as e:
            die("%s: %s" % (f, e))
    base = {}
    if base_file:
        try:
            with open(base_file) as fh:
                bd = json.load(fh)
        except (OSError, ValueError) as e:
            die("%s: %s" % (base_file, e))
        for m in bd.get("maps", []):
            for e in m.get("entries", []):
                if "value" in e:
                    k = e["key"]
                    k = k[2:] if isinstance(k, str) and k.startswith("0x") else k
                    base.setdefault(m["name"], {})[k] = e["value"]
    ncpus = [cpus or cpus_of(d, 1) for d in docs]
    merged, order = {}, []
    for idx, (d, f) in enumerate(zip(docs, files)):
        before = sum(ncpus[:idx])
        for m in d.get("maps", []):
            name = m["name"]
            if name not in merged:
                merged[name] = {k: v for k, v in m.items() if k not in ("entries", "records")}
                merged[name]["_entries"], merged[name]["_records"] = {}, []
                order.append(name)
            out = merged[name]
            if m.get("type") != out.get("type"):
                die("%s: map %s has type %s, another shard's is %s" % (f, name, m.get("type"), out.get("type")))
            out["_records"] += m.get("records", [])
            zero = "00" * m.get("value_size", 0)
            for e in m.get("entries", []):
                k = e["key"]
                if "values" in e:
                    cur = out["_entries"].setdefault(k, {"key": k, "values": []})
                    cur["values"] += [zero] * (before - len(cur["values"]))
                    cur["values"] += e["values"]
                    continue
                cur = out["_entries"].get(k)
                if name in sums:
                    b = base_value(base, name, k, m.get("value_size", 0))
                    if cur is None:
                        cur = out["_entries"][k] = {"key": k, "value": b or zero}
                    cur["value"] = add_delta(cur["value"], e["value"], b, name, k)
                elif cur is None:
                    out["_entries"][k] = {"key": k, "value": e["value"]}
                elif cur["value"] != e["value"]:
                    die("map %s key %s: shards disagree (%s vs %s): name it with --sum to add"
                        % (name, k, cur["value"], e["value"]))
    total = sum(ncpus)
    maps = []
    for name in order:
        m = merged[name]
        entries = list(m.pop("_entries").values())
        records = m.pop("_records")
        for e in entries:
            if "values" in e:
                e["values"] += ["00" * m.get("value_size", 0)] * (total - len(e["values"]))
        if m.get("type") in ("ringbuf", "perf_event_array"):
            m["records"] = records
        else:
            m["entries"] = entries
        maps.append(m)
    json.dump({"maps": maps}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
