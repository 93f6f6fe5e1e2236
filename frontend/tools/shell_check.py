"""Keep sw.js honest: its SHELL list must hold every module app.js loads statically,
and CACHE_VERSION must change whenever a served file changes.

    python3 frontend/tools/shell_check.py           # check; exit 1 with reasons
    python3 frontend/tools/shell_check.py --write   # set CACHE_VERSION to the content hash

CACHE_VERSION is a hash of every file the app serves (sw.js aside), so a forgotten bump
cannot leave phones on an old shell: the check fails instead.
"""
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVED = ["index.html", "manifest.webmanifest", "css", "js", "vendor", "icons"]
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]""", re.M)
DYNAMIC_IMPORT = re.compile(r"""import\(\s*['"]([^'"]+)['"]\s*\)""")


def served_files():
    for entry in SERVED:
        path = ROOT / entry
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.name not in ("LICENSE", "VERSION"))


def content_hash():
    digest = hashlib.sha256()
    for path in sorted(served_files()):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def module_graph(entry):
    static, dynamic, todo = set(), set(), [entry]
    while todo:
        path = todo.pop()
        if path in static:
            continue
        static.add(path)
        text = path.read_text()
        for match in STATIC_IMPORT.finditer(text):
            spec = match.group(1) or match.group(2)
            todo.append((path.parent / spec).resolve())
        for spec in DYNAMIC_IMPORT.findall(text):
            dynamic.add((path.parent / spec).resolve())
    return static, dynamic


def main(argv):
    sw_path = ROOT / "sw.js"
    sw = sw_path.read_text()
    shell = set(re.findall(r"^\s*'([^']+)',$", sw[sw.index("const SHELL"):sw.index("];")], re.M))
    problems = []
    static, dynamic = module_graph(ROOT / "js" / "app.js")
    for path in sorted(static):
        rel = str(path.relative_to(ROOT))
        if rel not in shell:
            problems.append(f"{rel} is imported statically but missing from SHELL in sw.js")
    for path in sorted(dynamic):
        rel = str(path.relative_to(ROOT))
        if rel in shell:
            problems.append(f"{rel} is loaded lazily; keep it out of SHELL so the first load stays small")
    for rel in sorted(shell - {"./"}):
        if not (ROOT / rel).is_file():
            problems.append(f"SHELL lists {rel}, which does not exist")
    wanted = content_hash()
    current = re.search(r"const CACHE_VERSION = '([^']*)';", sw).group(1)
    if current != wanted:
        if "--write" in argv:
            sw_path.write_text(sw.replace(f"const CACHE_VERSION = '{current}';", f"const CACHE_VERSION = '{wanted}';"))
            print(f"CACHE_VERSION {current} -> {wanted}")
        else:
            problems.append(f"CACHE_VERSION is {current!r} but the served files hash to {wanted!r}: "
                            "run python3 frontend/tools/shell_check.py --write")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
