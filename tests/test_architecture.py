"""The house, checked from the code (DESIGN.md §6): floors, import cycles, module sizes
and admin writes.

Read with `ast`, no import of the project: every .py module outside migrations, tests,
bench and the non-code folders. Each rule is its own test; a failure lists every
offender with its file and line. `../shared/tools/house.py .` prints the same findings.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The floors of the house, lowest first. A module imports only from its own floor or
# below, so the base never leans on what is built on it: `web` (view mixins, export
# writer, pagination, middleware, storage) serves every app and knows none; `audit` and
# `jobs` record what the apps do; then contacts, the interactions logged on them, the
# segments that log interactions in bulk, the to-dos and privacy built on all three, the
# interfaces over them (API, start page, demo data), and `config`, which wires it all.
# The packages of one floor are siblings and import each other neither.
FLOORS = {
    "web": -1,
    "audit": 0,
    "jobs": 0,
    "crm": 1,
    "interactions": 2,
    "segments": 3,
    "tasks": 4,
    # On the tasks floor, but above tasks itself: a contact's export and erasure
    # read and clear its tasks (issue 22's contract: privacy may import tasks).
    "privacy": 4.5,
    "api": 5,
    "dashboard": 5,
    "demo": 5,
    "config": 6,
}
MAX_LINES = 500
# Folders that hold no application code (or code exempt from these rules).
SKIP = {
    "migrations",
    "tests",
    "bench",
    "locale",
    "static",
    "templates",
    "docs",
    "deploy",
}
SKIP_FILES = {"manage.py", "conftest.py"}
# Writes that skip the services (validation, numbering, the audit trail), as admin code.
ADMIN_WRITES = {
    ("super()", "save_model"),
    ("super()", "delete_model"),
    ("super()", "delete_queryset"),
    ("obj", "save"),
    ("obj", "delete"),
}


def project_modules(root):
    """{dotted module name: path} of the application code under `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if (
            rel.parts[0].startswith((".", ".venv"))
            or any(part in SKIP or part.startswith(".") for part in rel.parts[:-1])
            or rel.name in SKIP_FILES
        ):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found[".".join(parts)] = path
    return found


def _is_type_checking(node):
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree):
    """(node, at_module_level) for every import; module level = run on import, so not
    inside a function or under `if TYPE_CHECKING:` (class bodies do run on import)."""

    def walk(node, module_level):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, module_level
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(child, False)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                for inner in child.body:
                    yield from walk(ast.Module(body=[inner], type_ignores=[]), False)
                for inner in child.orelse:
                    yield from walk(ast.Module(body=[inner], type_ignores=[]), True)
            else:
                yield from walk(child, module_level)

    yield from walk(tree, True)


def _resolve(name, modules, tops):
    """The project module `name` loads (its longest known prefix), or None when it is
    not project code. An unknown name under a project package is kept as written."""
    probe = name
    while probe:
        if probe in modules:
            return probe
        probe = probe.rpartition(".")[0]
    return name if name.split(".")[0] in tops else None


def import_graph(root):
    """Every import of the project: [(importer, imported, line, at_module_level)]."""
    modules = project_modules(root)
    # Top-level names of the project, skipped ones too: an import of `tests` or `bench`
    # from application code is an import of the project.
    tops = {m.split(".")[0] for m in modules} | {
        p.stem if p.suffix == ".py" else p.name
        for p in root.iterdir()
        if not p.name.startswith(".")
        and (p.suffix == ".py" or (p.is_dir() and any(p.glob("*.py"))))
    }
    edges = []
    for me, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = me if path.name == "__init__.py" else me.rpartition(".")[0]
        for node, module_level in _import_nodes(tree):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: up level-1 packages from this one
                    anchor = package.split(".")[
                        : len(package.split(".")) - node.level + 1
                    ]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from pkg import name` loads pkg.name when that is a module.
                wanted = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for name in wanted:
                target = _resolve(name, modules, tops)
                if target and target != me:
                    edges.append((me, target, node.lineno, module_level))
    return modules, edges


def _top(name):
    return name.split(".")[0]


def floor_violations(edges, floors):
    """Imports of a higher floor, a sibling package or a package with no floor."""
    found = set()
    for me, target, line, _ in edges:
        mine, theirs = floors.get(_top(me)), floors.get(_top(target))
        if mine is None or _top(me) == _top(target):
            continue
        if theirs is None:
            found.add(f"{me} -> {target} (line {line}): {_top(target)} has no floor")
        elif theirs > mine:
            found.add(
                f"{me} -> {target} (line {line}): floor {mine} imports floor {theirs}"
            )
        elif theirs == mine:
            found.add(f"{me} -> {target} (line {line}): siblings on floor {mine}")
    return sorted(found)


def packages_without_floor(modules, floors):
    return sorted({_top(m) for m in modules} - set(floors))


def import_cycles(edges):
    """Strongly connected groups of modules through module-level imports (Tarjan),
    each as its edges. An import of one's own parent package is left out: Python
    initialises the parent first, so it never closes a cycle that fails."""
    graph, lines = defaultdict(set), {}
    for me, target, line, module_level in edges:
        if module_level and not me.startswith(f"{target}."):
            graph[me].add(target)
            lines.setdefault((me, target), line)
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for start in sorted(set(graph) | {t for ts in graph.values() for t in ts}):
        if start in index:
            continue
        # Iterative Tarjan: (node, iterator over its successors).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(
                            ", ".join(
                                f"{a} -> {b} (line {lines[a, b]})"
                                for a in sorted(group)
                                for b in sorted(graph[a] & group)
                            )
                        )
    return sorted(groups)


def long_modules(root, modules, max_lines=MAX_LINES):
    found = []
    for path in modules.values():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > max_lines:
            found.append((count, str(path.relative_to(root))))
    return [f"{rel} ({count} lines)" for count, rel in sorted(found, reverse=True)]


def admin_writes(root, modules):
    """Direct model writes in admin modules (admin.py, or in an admin package)."""
    found = []
    for path in modules.values():
        rel = path.relative_to(root)
        if rel.name != "admin.py" and "admin" not in rel.parts[:-1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            ):
                continue
            receiver = node.func.value
            if (
                isinstance(receiver, ast.Call)
                and isinstance(receiver.func, ast.Name)
                and receiver.func.id == "super"
            ):
                receiver_text = "super()"
            elif isinstance(receiver, ast.Name):
                receiver_text = receiver.id
            else:
                continue
            if (receiver_text, node.func.attr) in ADMIN_WRITES:
                found.append(f"{rel}:{node.lineno} {receiver_text}.{node.func.attr}(")
    return found


def own_bad_input_answers(root, modules):
    """Calls passing `status=400` outside web/views.py: a page answers bad input
    through web.views.BadInputMixin, one piece of code. JSON answers are their own."""
    found = []
    for path in modules.values():
        rel = path.relative_to(root)
        if rel.as_posix() == "web/views.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name == "JsonResponse":
                continue
            for keyword in node.keywords:
                if keyword.arg == "status" and any(
                    isinstance(part, ast.Constant) and part.value == 400
                    for part in ast.walk(keyword.value)
                ):
                    found.append(f"{rel}:{node.lineno} {name}(status=400")
    return found


def _offenders(title, found):
    return f"{title} ({len(found)}):\n  " + "\n  ".join(found)


class Project:
    """The modules and imports of the project, read once for all the tests."""

    def __init__(self, root):
        self.modules, self.edges = import_graph(root)

    def __repr__(self):  # a failing test shows its message, not every import
        return f"<the project at {ROOT}>"


@pytest.fixture(scope="module")
def project():
    return Project(ROOT)


def test_every_package_has_a_floor(project):
    found = packages_without_floor(project.modules, FLOORS)
    assert not found, _offenders("Packages missing from FLOORS", found)


def test_no_module_imports_a_higher_floor_or_a_sibling(project):
    found = floor_violations(project.edges, FLOORS)
    assert not found, _offenders(
        "Imports that reach up a floor or across to a sibling (FLOORS in this file)",
        found,
    )


def test_no_import_cycles(project):
    found = import_cycles(project.edges)
    assert not found, _offenders(
        "Modules that import each other at module level", found
    )


def test_no_module_is_over_the_limit(project):
    found = long_modules(ROOT, project.modules)
    assert not found, _offenders(
        f"Modules over {MAX_LINES} lines (split by operation and re-export)", found
    )


def test_admin_writes_go_through_the_services(project):
    found = admin_writes(ROOT, project.modules)
    assert not found, _offenders(
        "Admin code that writes models directly instead of calling a service", found
    )


def test_pages_answer_bad_input_through_the_mixin(project):
    found = own_bad_input_answers(ROOT, project.modules)
    assert not found, _offenders(
        "Pages that answer bad input with their own 400 (use BadInputMixin)", found
    )


# -- the checker itself, on a tiny house that breaks every rule once ---------------


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_each_kind_of_offender(tmp_path):
    _write(
        tmp_path,
        {
            "web/__init__.py": "",
            "web/mixins.py": "import django\n",
            "low/__init__.py": "",
            "low/models.py": "from web import mixins\n",
            # Upward, inside a function and relative-resolved from the top package.
            "low/views.py": "def page():\n    from high.models import Thing\n",
            # A cycle through a relative import, and one import only for type checkers.
            "low/a.py": "from . import b\nif TYPE_CHECKING:\n    from high import c\n",
            "low/b.py": "from low.a import name\n",
            "low/admin.py": (
                "class A:\n"
                "    def save_model(self, request, obj, form, change):\n"
                "        super().save_model(request, obj, form, change)\n"
                "    def delete_model(self, request, obj):\n"
                "        obj.delete()  # super().delete_model( in a comment is fine\n"
            ),
            "low/sub/__init__.py": "",
            "low/sub/deep.py": "from ..models import x\nfrom ... import other\n",
            "high/__init__.py": "",
            "high/models.py": "from low import models\n" + "x = 1\n" * 501,
            "high/c.py": "import low.a\n",
            "side/__init__.py": "",
            "side/views.py": (
                "import high.models\n"
                "def get(self, form):\n"
                "    JsonResponse({}, status=400)\n"
                "    return self.render_to_response({}, status=400 if form else 200)\n"
            ),
            "odd/__init__.py": "",
            "low/migrations/0001_initial.py": "import high\n" * 600,
            "tests/test_x.py": "import high\n",
        },
    )
    floors = {"web": -1, "low": 0, "high": 1, "side": 1}
    modules, edges = import_graph(tmp_path)

    assert "low.migrations.0001_initial" not in modules
    assert "tests.test_x" not in modules
    assert packages_without_floor(modules, floors) == ["odd"]
    assert floor_violations(edges, floors) == [
        "low.a -> high.c (line 3): floor 0 imports floor 1",
        "low.views -> high.models (line 2): floor 0 imports floor 1",
        "side.views -> high.models (line 1): siblings on floor 1",
    ]
    # low.sub.deep's `..models` resolves to low.models; `...` leaves the project.
    assert ("low.sub.deep", "low.models", 1, True) in edges
    # high.c -> low.a -> (type checking only) high.c is no cycle; low.a <-> low.b is.
    assert import_cycles(edges) == ["low.a -> low.b (line 1), low.b -> low.a (line 1)"]
    assert long_modules(tmp_path, modules) == ["high/models.py (502 lines)"]
    assert admin_writes(tmp_path, modules) == [
        "low/admin.py:3 super().save_model(",
        "low/admin.py:5 obj.delete(",
    ]
    assert own_bad_input_answers(tmp_path, modules) == [
        "side/views.py:4 render_to_response(status=400"
    ]
