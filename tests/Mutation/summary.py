#!/usr/bin/env python3
"""Reads a Stryker JSON report: prints the folder's score and each surviving mutant."""
import json
import sys

name, path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    report = json.load(f)
killed = survived = no_cov = timeout = 0
survivors = []
for file, data in sorted(report["files"].items()):
    for m in data["mutants"]:
        s = m["status"]
        if s in ("Killed",):
            killed += 1
        elif s == "Timeout":
            timeout += 1
        elif s == "Survived":
            survived += 1
            survivors.append((file, m))
        elif s == "NoCoverage":
            no_cov += 1
            survivors.append((file, m))
detected = killed + timeout
valid = detected + survived + no_cov
score = 100.0 * detected / valid if valid else 100.0
print(f"{name}: mutation score {score:.1f}% ({detected} of {valid} mutants killed; "
      f"{survived} survived, {no_cov} not covered)")
for file, m in survivors:
    line = m["location"]["start"]["line"]
    short = file.split("/lib/", 1)[-1]
    print(f"  {m['status']:<10} lib/{short}:{line}  {m['mutatorName']}: {m.get('replacement', '')[:80]!r}")
