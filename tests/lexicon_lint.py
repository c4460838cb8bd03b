#!/usr/bin/env python3
"""Checks the built-in lexicon files (extract/lexicon/*.tsv) as data:

- UTF-8; entries are name<TAB>type<TAB>aliases ('|'-separated), the type
  matching the file (model.tsv holds models, ...); stop.tsv one string a line;
- no empty form, no leading, trailing or doubled spaces;
- no form is claimed by two entries once case, spaces, hyphens and
  underscores are folded (the extractor folds them too, so such a pair
  would make the entity depend on load order);
- no lexicon form is also on the stop list.

Usage: lexicon_lint.py DIR. Exit 1 with file:line messages on a problem.
"""
import os
import re
import sys


def fold(s):
    return re.sub(r"[-_ ]", "", s).lower()


def main(folder):
    problems = []
    claims = {}
    stop = {}
    counts = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".tsv"):
            continue
        path = os.path.join(folder, name)
        kind = name[:-4]
        try:
            text = open(path, "rb").read().decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{path}: not UTF-8: {e}")
            continue
        for i, line in enumerate(text.split("\n"), 1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{path}:{i}"
            if kind == "stop":
                s = line.split("\t")[0]
                stop.setdefault(fold(s), where)
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                problems.append(f"{where}: {len(fields)} fields, want name<TAB>type<TAB>aliases")
                continue
            ename, etype, aliases = fields
            if etype != kind:
                problems.append(f"{where}: type {etype!r} in {name}")
            counts[kind] = counts.get(kind, 0) + 1
            seen = set()
            for form in [ename] + (aliases.split("|") if aliases else []):
                if not form or form != form.strip() or "  " in form:
                    problems.append(f"{where}: bad form {form!r}")
                    continue
                k = fold(form)
                if k in seen:
                    continue
                seen.add(k)
                other = claims.get(k)
                if other and other[0] != ename:
                    problems.append(f"{where}: form {form!r} of {ename!r} is also "
                                    f"a form of {other[0]!r} ({other[1]})")
                else:
                    claims[k] = (ename, where)
    for k, (ename, where) in sorted(claims.items()):
        if k in stop:
            problems.append(f"{where}: {ename!r} has a form on the stop list ({stop[k]})")
    for p in problems:
        print(p)
    total = sum(counts.values())
    print("entries: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; total {total}; stop list {len(stop)}")
    if total < 1500:
        problems.append(f"only {total} entries")
        print(problems[-1])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
