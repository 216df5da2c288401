"""Rules the Python source of the core and of every skill keeps, checked by `engine check` and `skill check`.

- No Cyrillic string literal (docstrings and f-strings included) outside tests: what a resident reads lives in
  `responses:`, vocabularies in data files, so trainers and translators edit text without touching code.
- A skill imports from the engine only `engine.sdk` (its tests also `engine.testing`), nothing of `nlu`, and no
  other skill.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence, Tuple

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
SDK = "engine.sdk"
TEST_SUPPORT = "engine.testing"
CLOSED_PACKAGES = ("engine", "nlu", "actions", "connectors")


@dataclass(frozen=True)
class SourceProblem:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def is_test_file(path: Path, root: Path) -> bool:
    """Tests and test support keep Russian literals: they assert on what residents read."""
    parts = path.relative_to(root).parts
    return "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def python_files(root: Path, skip_tests: bool = True) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts or (skip_tests and is_test_file(path, root)):
            continue
        yield path


def cyrillic_literals(path: Path) -> List[SourceProblem]:
    """String literals of a module that hold Cyrillic letters."""
    problems = []
    source = path.read_text(encoding="utf-8")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        return [SourceProblem(path, 1, f"cannot be read as Python: {error}")]
    for token in tokens:
        if token.type == tokenize.STRING and CYRILLIC.search(token.string):
            snippet = token.string.strip().splitlines()[0][:60]
            problems.append(SourceProblem(path, token.start[0], f"Cyrillic string literal {snippet}"))
    return problems


def _imported_modules(tree: ast.AST) -> Iterator[Tuple[int, str]]:
    """(line, module) of every absolute import; `from engine import sdk` counts as `engine.sdk`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in CLOSED_PACKAGES:
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"
            else:
                yield node.lineno, node.module


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden_imports(
    path: Path, own_module: str, other_skill_modules: Sequence[str], test: bool
) -> List[SourceProblem]:
    """Imports of a skill module that go around the SDK: other engine modules, `nlu`, another skill."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError as error:
        return [SourceProblem(path, error.lineno or 1, f"syntax error: {error.msg}")]
    allowed = (SDK, TEST_SUPPORT) if test else (SDK,)
    problems = []
    for line, module in _imported_modules(tree):
        if _within(module, own_module) or any(_within(module, ok) for ok in allowed):
            continue
        if any(_within(module, other) for other in other_skill_modules):
            problems.append(SourceProblem(path, line, f"imports another skill ({module})"))
        elif any(_within(module, closed) for closed in CLOSED_PACKAGES):
            extra = f" and {TEST_SUPPORT}" if test else ""
            problems.append(SourceProblem(path, line, f"imports {module}: a skill uses only {SDK}{extra}"))
    return problems


def literal_problems(roots: Iterable[Path]) -> List[SourceProblem]:
    """Cyrillic literals in the non-test modules under each root."""
    return [problem for root in roots for path in python_files(root) for problem in cyrillic_literals(path)]
