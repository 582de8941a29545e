"""Reads EF Core's command log (Information) on stdin; writes each SELECT it executed, NUL-separated."""
import re
import sys

log = sys.stdin.read()
for match in re.finditer(r"Executed DbCommand \(\d+ms\) \[[^\n]*\]\n((?:      [^\n]*\n?)+)", log):
    sql = "\n".join(line[6:] for line in match.group(1).rstrip("\n").split("\n"))
    if sql.lstrip().upper().startswith("SELECT"):
        sys.stdout.write(sql + "\0")
