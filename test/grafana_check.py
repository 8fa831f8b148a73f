#!/usr/bin/env python3
"""test/grafana_check.py DASHBOARD METRICS RULES - check the Grafana
dashboard (contrib/grafana-dashboard.json) against a /metrics page.

Every panel has queries; every metric a query names is one /metrics
has (as a sample or a HELP line: a counter seen only once it is not
zero still has its HELP); every label a query groups by is one that
metric carries on the page when it has samples.  The queries, with
Grafana's variables put in, are written to RULES as recording rules so
that promtool check rules parses them.  Prints one line per problem and
"ok N queries" at the end; exit status 1 on any problem."""
import json
import re
import sys


def main():
    dash = json.load(open(sys.argv[1]))
    page = open(sys.argv[2]).read()
    known = set(re.findall(r"^# HELP (\w+)", page, re.M))
    labels = {}
    for name, lab in re.findall(r"^(\w+)\{([^}]*)\}", page, re.M):
        labels.setdefault(name, set()).update(
            re.findall(r"(\w+)=", lab))
        known.add(name)
    known.update(re.findall(r"^(\w+) ", page, re.M))
    problems, exprs = [], []
    for p in dash["panels"]:
        if not p.get("targets"):
            problems.append("panel %r has no query" % p["title"])
        for t in p.get("targets", []):
            e = t["expr"]
            exprs.append(e)
            for m in re.findall(r"\bresolute_\w+", e):
                if m not in known:
                    problems.append("%r: %s is not on /metrics" %
                                    (p["title"], m))
                for by in re.findall(r"by \(([^)]*)\)", e):
                    for lab in [x.strip() for x in by.split(",")]:
                        if lab in ("instance", "le", "job"):
                            continue
                        if m in labels and lab not in labels[m]:
                            problems.append("%r: %s has no label %s" %
                                            (p["title"], m, lab))
    with open(sys.argv[3], "w") as f:
        f.write("groups:\n- name: dashboard\n  rules:\n")
        for i, e in enumerate(exprs):
            e = e.replace("$__rate_interval", "5m").replace(
                '"$instance"', '".*"')
            f.write("  - record: dashboard:query%d\n    expr: %s\n" %
                    (i, json.dumps(e)))
    for pr in problems:
        print(pr)
    print("ok %d queries" % len(exprs) if not problems else
          "%d problems" % len(problems))
    sys.exit(1 if problems else 0)


main()
