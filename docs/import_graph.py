"""Print which app imports which, read from the code: the edges of the drawing in
docs/architecture.md.

    python docs/import_graph.py        (from the project's root)

Every import counts, also one inside a function; tests, migrations and bench do not.
An app above its floor in FLOORS is marked "UPWARD" (CI's layer check fails on it).
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

# Lowest first (web is floor -1, as in tests/test_architecture.py); an app imports
# only from its own floor or below.
FLOORS = [
    ("web",),
    ("audit", "jobs"),
    ("crm",),
    ("interactions",),
    ("segments",),
    ("tasks", "privacy"),
    ("api", "dashboard", "demo"),
    ("config",),
]
FLOOR = {app: number for number, apps in enumerate(FLOORS, -1) for app in apps}
SKIPPED = {"migrations", "tests"}


def imported_apps(path, app):
    """The apps (other than `app`) that the module at `path` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue  # relative imports stay inside their app
        found.update(name.split(".")[0] for name in names)
    return {name for name in found if name in FLOOR and name != app}


def edges(root):
    graph = defaultdict(set)
    for app in FLOOR:
        for path in sorted((root / app).rglob("*.py")):
            if not SKIPPED & set(path.relative_to(root).parts):
                graph[app] |= imported_apps(path, app)
    return graph


def main(root):
    graph = edges(root)
    upward = False
    for number, apps in reversed(list(enumerate(FLOORS, -1))):
        present = [app for app in apps if (root / app).is_dir()]
        if not present:
            continue
        print(f"floor {number}: {'  '.join(present)}")
        for app in present:
            targets = sorted(graph[app], key=lambda name: (-FLOOR[name], name))
            marks = [
                f"{name} UPWARD" if FLOOR[name] > FLOOR[app] else name
                for name in targets
            ]
            upward |= any(FLOOR[name] > FLOOR[app] for name in targets)
            print(f"    {app:<13}-> {', '.join(marks) or '(nothing)'}")
    return 1 if upward else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
