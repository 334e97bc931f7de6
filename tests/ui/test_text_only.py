"""Every widget is built from text that went through the one helper (``widgets/text.py``).

Textual parses a plain ``str`` as markup in ``Static``, ``Label``, ``Select`` options,
``Option``, tab labels, buttons and notifications, and lets control characters through
everywhere: a staff member named ``Smith [/x]`` crashed the app, one named
``[@click=app.screenshot(...)]Ada[/]`` wrote a picture of the screen when clicked. Reading the
source is cheaper than finding each one on screen, so this test reads it: a text argument is
accepted only if it is

- a string literal, or an f-string of literals only (the code's own words);
- a call to a helper (``plain``, ``cell``, ``cell_right``, ``show``, ``choices``);
- a call to a function of ``siu_tui`` every ``return`` of which is itself accepted, or a
  module constant whose value is (e.g. ``EMPTY = "No conferences"``);
- ``a if c else b`` or ``a + b`` of accepted parts, or a list of them (for a row of cells).

``Select`` options and ``set_options`` take ``choices(...)`` (or ``[]``), and DataTable rows
take cells built the same way.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import siu_tui

ROOT = Path(siu_tui.__file__).parent
CHECKED = [*(ROOT / "screens").rglob("*.py"), *(ROOT / "widgets").rglob("*.py"), ROOT / "app.py"]

HELPERS = frozenset({"plain", "cell", "cell_right", "show", "choices"})

FIRST_ARGUMENT = frozenset(
    {
        "Static",
        "Label",
        "Button",
        "Option",
        "TabPane",
        "Tab",
        "Checkbox",
        "RadioButton",
        "Tree",
        "add_leaf",
        "Collapsible",
        "ListItem",
        "notify",
        "update",
        "Content",
        "Text",
    }
)
"""Calls whose first argument is shown as text (``update`` is Static's)."""

EVERY_ARGUMENT = frozenset({"add_row"})
TEXT_KEYWORDS = frozenset({"title", "label", "prompt", "sub_title", "tooltip", "placeholder"})
OPTIONS = frozenset({"Select", "set_options", "SelectionList", "OptionList", "add_options"})
TEXT_ATTRIBUTES = frozenset({"title", "sub_title", "border_title", "border_subtitle", "tooltip"})


@dataclass
class Module:
    path: Path
    tree: ast.Module
    constants: dict[str, ast.expr]


def _modules() -> dict[Path, Module]:
    modules = {}
    for path in CHECKED:
        tree = ast.parse(path.read_text(), str(path))
        constants: dict[str, ast.expr] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and node.value is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        constants[target.id] = node.value
            elif (
                isinstance(node, ast.AnnAssign)
                and node.value is not None
                and isinstance(node.target, ast.Name)
                and node.target.id.isupper()
            ):
                constants[node.target.id] = node.value
        modules[path] = Module(path, tree, constants)
    return modules


MODULES = _modules()
FUNCTIONS: dict[str, list[ast.FunctionDef]] = {}
for _module in MODULES.values():
    for _node in ast.walk(_module.tree):
        if isinstance(_node, ast.FunctionDef):
            FUNCTIONS.setdefault(_node.name, []).append(_node)


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _returns(function: ast.FunctionDef) -> list[ast.expr | None]:
    found: list[ast.expr | None] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node.value)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
    return found


_BUILT = ast.Constant("built by a helper")


def _built(annotation: ast.expr | None) -> bool:
    """A parameter typed as Text or Content (or lists of them): built where it came from,
    and every Text or Content built in these modules is checked here too."""
    if annotation is None:
        return False
    names = {n.id for n in ast.walk(annotation) if isinstance(n, ast.Name)}
    return bool(names) and names <= {"Text", "Content", "list", "tuple", "Sequence"}


def _locals(function: ast.FunctionDef | None) -> dict[str, list[ast.expr | None]]:
    """What each name in a function is assigned. A loop variable stands for an element of
    what it loops over; a parameter is unknown (None, never accepted) unless it is typed
    as Text or Content."""
    found: dict[str, list[ast.expr | None]] = {}
    if function is None:
        return found
    for arg in (*function.args.args, *function.args.kwonlyargs, *function.args.posonlyargs):
        found.setdefault(arg.arg, []).append(_BUILT if _built(arg.annotation) else None)

    def bind(target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            found.setdefault(target.id, []).append(value)
        else:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    found.setdefault(name.id, []).append(None)

    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign):
            bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            bind(node.target, None)
        elif isinstance(node, (ast.For, ast.comprehension)):
            bind(node.target, ast.Subscript(value=node.iter, slice=ast.Constant(0)))
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars, None)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
    return found


def accepted(
    node: ast.expr | None,
    module: Module,
    seen: frozenset[str] = frozenset(),
    scope: dict[str, list[ast.expr | None]] | None = None,
) -> bool:
    if node is None:
        return False
    scope = scope or {}
    if isinstance(node, ast.Name) and node.id in scope and node.id not in seen:
        return all(
            value is not None and accepted(value, module, seen | {node.id}, scope)
            for value in scope[node.id]
        )
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(isinstance(value, ast.Constant) for value in node.values)
    if isinstance(node, ast.IfExp):
        return accepted(node.body, module, seen, scope) and accepted(
            node.orelse, module, seen, scope
        )
    if isinstance(node, (ast.Starred, ast.Subscript)):
        return accepted(node.value, module, seen, scope)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(accepted(element, module, seen, scope) for element in node.elts)
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return accepted(node.elt, module, seen, scope)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return accepted(node.left, module, seen, scope) and accepted(
            node.right, module, seen, scope
        )
    if isinstance(node, ast.Name) and node.id in module.constants and node.id not in seen:
        return accepted(module.constants[node.id], module, seen | {node.id}, scope)
    if isinstance(node, ast.Call):
        name = _name(node)
        if name in HELPERS:
            return True
        if name in ("Text", "Content") and not node.args:
            return True  # an empty Text to append to: each append is checked
        if name is not None and name in FUNCTIONS and name not in seen:
            return all(
                value is not None and accepted(value, module, seen | {name}, _locals(function))
                for function in FUNCTIONS[name]
                for value in _returns(function)
            )
    return False


def options_accepted(
    node: ast.expr,
    module: Module,
    seen: frozenset[str] = frozenset(),
    scope: dict[str, list[ast.expr | None]] | None = None,
) -> bool:
    scope = scope or {}
    if isinstance(node, ast.Name) and node.id in scope and node.id not in seen:
        return all(
            value is not None and options_accepted(value, module, seen | {node.id}, scope)
            for value in scope[node.id]
        )
    if isinstance(node, (ast.List, ast.Tuple)) and not node.elts:
        return True
    if isinstance(node, ast.Call) and _name(node) == "choices":
        return True
    if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        node = ast.List(elts=[node.elt])
    if isinstance(node, ast.List) and node.elts:
        return all(
            isinstance(e, ast.Call)
            and _name(e) in ("Option", "Selection")
            and accepted(e.args[0] if e.args else None, module, seen, scope)
            for e in node.elts
        )
    if isinstance(node, ast.Name) and node.id in module.constants and node.id not in seen:
        return options_accepted(module.constants[node.id], module, seen | {node.id}, scope)
    if isinstance(node, ast.Call):
        name = _name(node)
        if name is not None and name in FUNCTIONS and name not in seen:
            return all(
                value is not None
                and options_accepted(value, module, seen | {name}, _locals(function))
                for function in FUNCTIONS[name]
                for value in _returns(function)
            )
    return False


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.FunctionDef | None]:
    owner: dict[ast.AST, ast.FunctionDef | None] = {}

    def visit(node: ast.AST, function: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            owner[child] = function
            visit(child, child if isinstance(child, ast.FunctionDef) else function)

    visit(tree, None)
    return owner


def _plain_string_unless_no_markup(
    message: ast.expr, keywords: list[ast.keyword]
) -> list[ast.expr]:
    """A notification's message is a ``str`` (Textual's type): one that went through ``show``
    must be sent with ``markup=False``, or it would be parsed as markup after all."""
    literal = all(
        isinstance(part, ast.Constant)
        or (
            isinstance(part, ast.JoinedStr)
            and all(isinstance(v, ast.Constant) for v in part.values)
        )
        for part in (
            [message.body, message.orelse] if isinstance(message, ast.IfExp) else [message]
        )
    )
    no_markup = any(
        k.arg == "markup" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in keywords
    )
    return [] if literal or no_markup else [message]


def offences() -> list[str]:
    found = []
    for module in MODULES.values():
        where = module.path.relative_to(ROOT.parent)
        owner = _enclosing(module.tree)
        scopes: dict[ast.FunctionDef | None, dict[str, list[ast.expr | None]]] = {}
        for node in ast.walk(module.tree):
            function = owner.get(node)
            if function not in scopes:
                scopes[function] = _locals(function)
            scope = scopes[function]

            def ok(
                value: ast.expr,
                scope: dict[str, list[ast.expr | None]] = scope,
                module: Module = module,
            ) -> bool:
                return accepted(value, module, frozenset(), scope)

            bad: list[ast.expr] = []
            if isinstance(node, ast.Call):
                name = _name(node)
                if name in FIRST_ARGUMENT and node.args:
                    bad += [node.args[0]] if not ok(node.args[0]) else []
                if (  # call_from_thread(self.notify, message): the message is checked too
                    name == "call_from_thread"
                    and len(node.args) > 1
                    and isinstance(node.args[0], ast.Attribute)
                    and node.args[0].attr in FIRST_ARGUMENT
                    and not ok(node.args[1])
                ):
                    bad.append(node.args[1])
                if (
                    name == "call_from_thread"
                    and len(node.args) > 1
                    and isinstance(node.args[0], ast.Attribute)
                    and node.args[0].attr == "notify"
                ):
                    bad += _plain_string_unless_no_markup(node.args[1], node.keywords)
                if name == "notify" and node.args:
                    bad += _plain_string_unless_no_markup(node.args[0], node.keywords)
                if (  # text.append(...) on a Text built here: each piece is checked
                    name == "append"
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and any(
                        isinstance(value, ast.Call) and _name(value) in ("Text", "Content")
                        for value in scope.get(node.func.value.id, [])
                    )
                    and node.args
                    and not ok(node.args[0])
                ):
                    bad.append(node.args[0])
                if name in EVERY_ARGUMENT:
                    bad += [a for a in node.args if not ok(a)]
                if name in FIRST_ARGUMENT | EVERY_ARGUMENT | OPTIONS:
                    bad += [
                        k.value for k in node.keywords if k.arg in TEXT_KEYWORDS and not ok(k.value)
                    ]
                if (
                    name in OPTIONS
                    and node.args
                    and not options_accepted(node.args[0], module, scope=scope)
                ):
                    bad.append(node.args[0])
            elif isinstance(node, ast.Assign):
                bad += [
                    node.value
                    for target in node.targets
                    if isinstance(target, ast.Attribute)
                    and target.attr in TEXT_ATTRIBUTES
                    and not ok(node.value)
                ]
            found += [f"{where}:{b.lineno}: {ast.unparse(b)[:80]}" for b in bad]
    return found


def test_widgets_take_text_only_through_the_helper() -> None:
    assert offences() == []


@pytest.mark.parametrize(
    ("source", "ok"),
    [
        ('Label("Family")', True),
        ('Label(f"Due by {show(day)}")', False),
        ('Label(plain(f"Due by {show(day)}"))', True),
        ("Label(row.name)", False),
        ('Static(f"{row.family_name} ({row.family_reference})")', False),
        ("self.notify(str(message), markup=False)", False),
        ("self.notify(show(message, lines=True), markup=False)", True),
        ("self.notify(show(message, lines=True))", False),
        ('self.notify("Saved")', True),
        ("Select([(s.name, s.id) for s in staff])", False),
        ("Select([(plain(s.name), s.id) for s in staff])", False),
        ("Select(choices((s.name, s.id) for s in staff))", True),
        ("select.set_options(chairs)", False),
        ("Option(name)", False),
        ("table.add_row(cell(row.name), row.family)", False),
        ("self.sub_title = record.reference", False),
        ("self.sub_title = show(record.reference)", True),
        ('x.update("a" if done else plain(name))', True),
        ('TabPane(title, id="x")', False),
        ("self.app.call_from_thread(self.notify, message, markup=False)", False),
        ("self.app.call_from_thread(self.notify, show(message), markup=False)", True),
        ("def f(x):\n    t = Text()\n    t.append(x.name)\n    return t", False),
        ("def f(x):\n    t = Text()\n    t.append(show(x.name))\n    Label(t)", True),
        ("def f(x):\n    t = Text()\n    t.append(x.name)\n    Label(t)", False),
        ("self.app.call_from_thread(self.notify, show(message))", False),
    ],
)
def test_the_check_refuses_what_it_should(source: str, ok: bool) -> None:
    """The rule itself: each construction a screen might write, accepted or not."""
    tree = ast.parse(source)
    module = Module(Path(siu_tui.__file__), tree, {})
    global MODULES
    saved = MODULES
    MODULES = {module.path: module}
    try:
        assert (offences() == []) is ok
    finally:
        MODULES = saved
