"""The content sandbox with limits: every render of an answer ends, and soon.

An answer is a sandboxed Jinja template (markdown_body.py). The sandbox keeps content
away from files and Python objects, but not from work: `{{ 'a' * 10**9 }}` asks for a
gigabyte, two nested `range(100000)` loops for ten billion steps, a macro that calls
itself twice for an exponential number of calls. `BoundedSandbox` bounds all of them.

Where the limits are enforced, and why there. A pure-Python loop cannot be interrupted
from another thread, and one C-level operation (repeating a string, joining a list)
cannot be interrupted at all. So:

- an operation that could be huge in one step is refused *before* it runs, from the
  sizes of its operands: `*`, `**`, `+` and `%` (intercepted binary operators), the
  filters (wrapped, with an estimate of their result where it can exceed their input:
  `join`, `replace`, `indent`, `center`, `format`…), and method calls (only methods whose
  result is no bigger than their input are allowed);
- everything that repeats runs through a check: each loop iteration (the iterable of
  every `{% for %}` is wrapped), each call (macros, recursive loops), each filter and each
  piece of output (`{{ … }}` and the literal text of a loop body) is counted against a
  per-page budget of steps and of output characters, and checks a wall-clock deadline
  and whether the preview has abandoned this build (`StoppableThread`).

The counts make the usual runaways fail the same way on every machine, in well under a
second; the deadline is only a backstop, generous enough never to fire on a loaded CI
machine for a real page. The live preview runs builds in a `StoppableThread`, so a new
save or Ctrl+C stops a runaway render at its next step, without a second process (which
would have to copy the preview's in-memory site back and forth on every save).

The tree of each template is rewritten before it is compiled (`_generate`, Jinja's hook
for it) to insert the checks; the checks are filters whose names content cannot write.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2 import Template, nodes, pass_context
from jinja2.runtime import Context, LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg

from helpcenter.limits import (
    MAX_DEPTH,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_OUTPUT,
    MAX_TEXT,
    SECONDS,
    Budget,
    LimitExceeded,
    size,
    template_lines,
    too_big,
)

_ITERATE, _EMIT, _CHARGE, _TEXT = "limits-iterate", "limits-emit", "limits-charge", "limits-text"
# Methods of text, lists and mappings whose result is never bigger than their input.
_SAFE_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "get", "index", "isalnum",
    "isalpha", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "items",
    "keys", "lower", "lstrip", "partition", "rfind", "rindex", "rpartition", "rsplit",
    "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper",
    "values"})
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(?:\d{4,}|\*)|%[-#0 +]*\d*\.(?:\d{4,}|\*)")


def _checked(function: Any) -> Any:
    """Marks a filter as one that checks the budget itself."""
    function.limits_checked = True
    return function


class BoundedTemplate(Template):
    """Each render of an answer gets its own budget."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        if isinstance(environment, BoundedSandbox):
            environment.start_page()
        try:
            return super().render(*args, **kwargs)
        except RecursionError as error:  # an answer that includes itself: no call
            exceeded = LimitExceeded("this answer includes itself, or nests includes too "
                                     "deeply", "remove the {% include %}")
            lines = template_lines(error, self.filename)  # the include repeats on every level
            exceeded.line = Counter(lines).most_common(1)[0][0] if lines else None
            raise exceeded from None


class BoundedSandbox(SandboxedEnvironment):
    """The content sandbox with limits (see the module docstring)."""

    template_class = BoundedTemplate

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.budget = Budget()
        # see render_outputs: each `{{ … }}` compiled alone, and what it rendered
        self._expressions: dict[str, Template] = {}
        self._rendered: dict[str, tuple[str, int, int]] = {}
        self.globals["range"] = self._range
        self.filters.update({_ITERATE: self._iterate, _EMIT: self._emit,
                             _CHARGE: self._charge, _TEXT: self._text})

    # -- the budget of one render ------------------------------------------------------

    def start_page(self, seconds: float = SECONDS) -> None:
        """A new budget for the next page; filters added since the last page get checks."""
        self.budget = Budget(seconds)
        for name, function in list(self.filters.items()):
            if not hasattr(function, "limits_checked"):
                self.filters[name] = self._bounded_filter(name, function)

    # -- templates of text and placeholders only ---------------------------------------

    def render_outputs(self, tree: nodes.Template) -> str | None:
        """What the compiled template of `tree` renders, without compiling it, when the
        template is only text and `{{ … }}` (no tag: no loop, no variable, no include),
        as answers are; None for any other template, and when anything fails (the caller
        then compiles and renders the whole template, whose errors name their lines).

        Each distinct `{{ … }}` is compiled once as a template of its own, in this
        environment (an answer's placeholders are the same few in hundreds of answers),
        and they run in order in one page's budget, charged as the whole template's
        would be plus a step for each: never less, so this succeeds only where the
        whole template would. The tree may be rewritten: parse the source again to
        compile it.

        What a `{{ … }}` renders is kept too, with the steps and characters it cost,
        which are charged again each time it is reused: it depends only on the
        environment's values and filters, fixed for its life (content can call no method
        that changes a value, and no filter changes its input or depends on anything
        else)."""
        outputs = [node for node in tree.body if isinstance(node, nodes.Output)]
        if len(outputs) != len(tree.body):
            return None
        try:
            self.start_page()
            budget = self.budget
            self._charge(None, "", sum(len(data.data) for data in _literal_text(tree.body)))
            parts = []
            for output in outputs:
                for child in output.nodes:
                    if isinstance(child, nodes.TemplateData):
                        parts.append(child.data)
                        continue
                    key = repr(child)  # the kind and fields of each node, not line numbers
                    rendered = self._rendered.get(key)
                    if rendered is None:
                        steps, written = budget.steps, budget.output
                        alone = self._expression_template(key, child)
                        text = self.concat(alone.root_render_func(alone.new_context({})))
                        rendered = self._rendered[key] = (
                            text, budget.steps - steps, budget.output - written)
                    else:
                        budget.step(rendered[1])
                        budget.write(rendered[2])
                    parts.append(rendered[0])
            return "".join(parts)
        except Exception:  # whatever it is, the whole template reports it, with its line
            return None

    def _expression_template(self, key: str, expression: nodes.Expr) -> Template:
        found = self._expressions.get(key)
        if found is None:
            alone = nodes.Template([nodes.Output([expression], lineno=1)], lineno=1)
            alone.set_environment(self)
            found = self._expressions[key] = self.from_string(alone)
        return found

    # -- the rewritten tree --------------------------------------------------------------

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        for output in source.find_all(nodes.Output):
            output.nodes = [child if isinstance(child, nodes.TemplateData) else nodes.Filter(
                child, _EMIT, [], [], None, None, lineno=child.lineno)
                for child in output.nodes]
        for concat in source.find_all(nodes.Concat):  # `a ~ b`: each part, and the whole
            concat.nodes = [nodes.Filter(part, _TEXT, [], [], None, None, lineno=part.lineno)
                            for part in concat.nodes]
        _replace_concats(source)
        for loop in source.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, _ITERATE, [], [], None, None,
                                     lineno=loop.iter.lineno)
        for repeated in [source, *source.find_all((nodes.For, nodes.Macro, nodes.CallBlock))]:
            if not isinstance(repeated, (nodes.Template, nodes.For, nodes.Macro,
                                         nodes.CallBlock)):
                continue  # never: find_all yields only these kinds (this tells the types)
            literal = sum(len(data.data) for data in _literal_text(repeated.body))
            repeated.body.insert(0, nodes.Output([nodes.Filter(
                nodes.Const(""), _CHARGE, [nodes.Const(literal)], [], None, None,
                lineno=repeated.lineno)], lineno=repeated.lineno))
        return super()._generate(source, name, filename, defer_init)

    @_checked
    @pass_context
    def _iterate(self, _context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
        step = self.budget.step
        for item in iterable:
            step()
            yield item

    @_checked
    @pass_context
    def _emit(self, _context: Context, value: Any) -> Any:
        self.budget.write(size(value))
        return value

    @_checked
    @pass_context
    def _text(self, _context: Context, value: Any) -> Any:
        """A part of `a ~ b`, and the result: the join itself runs in one step."""
        if size(value, MAX_TEXT) > MAX_TEXT:
            raise too_big(f"joining texts with '~' makes more than {MAX_TEXT:,} characters")
        return value

    @_checked
    @pass_context
    def _charge(self, _context: Context, value: str, characters: int) -> str:
        """Each run of a loop body, a macro, an included page: its literal text, one step."""
        self.budget.step()
        self.budget.write(characters)
        return value

    # -- operators, calls, filters -------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any,  # noqa: N805 (Jinja's signature)
             *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.step()
        _check_method(__obj)
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self._iterate(__context, args[0]), *args[1:])
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise LimitExceeded(f"macros call each other more than {MAX_DEPTH} levels "
                                    "deep", "a macro probably calls itself without end")
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_ITEMS:
            raise too_big(f"range() makes {len(numbers):,} numbers")
        return numbers

    def _bounded_filter(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        estimate = _ESTIMATES.get(name)
        skip = 1 if _PassArg.from_obj(function) is not None else 0

        @_checked
        @functools.wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            self.budget.step()
            own = args[skip:]
            if estimate is not None and own and _lazy(own[0]):  # map(…): count its items
                own = (_bounded_list(own[0]), *own[1:])
                args = (*args[:skip], *own)
            if own and size(own[0], MAX_OUTPUT) > MAX_OUTPUT:
                raise too_big(f"the filter '{name}' is given a value of more than "
                              f"{MAX_OUTPUT:,} characters")
            _check_arguments(name, own[1:], kwargs)
            if estimate is not None and own and estimate(*own, **kwargs) > MAX_TEXT:
                raise too_big(f"the filter '{name}' would make more than {MAX_TEXT:,} "
                              "characters")
            return _checked_result(name, function(*args, **kwargs))
        return bounded


def _replace_concats(node: nodes.Node) -> None:
    """Wraps every `a ~ b` in a check of its result."""
    for name, value in node.iter_fields():
        if isinstance(value, nodes.Concat):
            setattr(node, name, nodes.Filter(value, _TEXT, [], [], None, None,
                                             lineno=value.lineno))
            _replace_concats(value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, nodes.Concat):
                    value[index] = nodes.Filter(item, _TEXT, [], [], None, None,
                                                lineno=item.lineno)
                if isinstance(item, nodes.Node):
                    _replace_concats(item)
        elif isinstance(value, nodes.Node):
            _replace_concats(value)


def _literal_text(body: list[nodes.Node]) -> Iterator[nodes.TemplateData]:
    """The literal text of a body, without that of the loops and macros inside it (they
    charge their own each time they run)."""
    for node in body:
        if isinstance(node, nodes.TemplateData):
            yield node
        elif isinstance(node, nodes.For):  # its `else:` runs once, as part of this body
            yield from _literal_text(node.else_)
        elif not isinstance(node, (nodes.Macro, nodes.CallBlock)):
            yield from _literal_text(list(node.iter_child_nodes()))


def _lazy(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, (str, list, tuple, Mapping))


def _bounded_list(items: Iterable[Any]) -> list[Any]:
    found = list(itertools.islice(items, MAX_ITEMS + 1))
    if len(found) > MAX_ITEMS:
        raise too_big(f"a list of more than {MAX_ITEMS:,} items")
    return found


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuses, before it runs, an operation whose result would be too big."""
    if operator == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)):
        left, right = right, left
    if operator in ("*", "+") and isinstance(left, (str, list, tuple)):
        made = len(left) * right if operator == "*" and isinstance(right, int) else \
            len(left) + len(right) if isinstance(right, (str, list, tuple)) else 0
        text = isinstance(left, str)
        if made > (MAX_TEXT if text else MAX_ITEMS):
            raise too_big(f"this makes {made:,} {'characters' if text else 'items'}")
    elif operator == "*" and isinstance(left, int) and isinstance(right, int) and \
            left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise too_big("this multiplication makes a number of thousands of digits")
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and \
            right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_INT_BITS:
        raise too_big(f"{left} ** {right} is a number of thousands of digits")
    elif operator == "%" and isinstance(left, str) and (
            _FORMAT_WIDTH.search(left) or len(left) + size(right) > MAX_TEXT):
        raise too_big("this '%' formatting makes a very long text")


def _check_method(function: Any) -> None:
    function = getattr(function, "__wrapped__", function)  # the sandbox wraps str.format
    owner = getattr(function, "__self__", None)
    if isinstance(owner, (str, list, tuple, dict)) and not isinstance(function, Macro):
        method = getattr(function, "__name__", "")
        if method not in _SAFE_METHODS:
            raise LimitExceeded(f"'.{method}()' cannot be used in an answer: it can make "
                                "text of any length", "use a filter instead, such as "
                                "{{ value | upper }}")


def _check_arguments(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ITEMS:
            raise too_big(f"the filter '{name}' is given the number {value:,}")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise too_big(f"the filter '{name}' is given a text of {len(value):,} characters")


def _checked_result(name: str, result: Any) -> Any:
    if isinstance(result, str) and len(result) > MAX_TEXT:
        raise too_big(f"the filter '{name}' made {len(result):,} characters")
    if isinstance(result, (list, tuple)) and len(result) > MAX_ITEMS:
        raise too_big(f"the filter '{name}' made {len(result):,} items")
    return result


# Filters whose result can be much bigger than their input: an estimate of its size,
# from the filter's own arguments (without the context Jinja may pass first).
def _join_size(value: Iterable[Any], d: str = "", attribute: Any = None) -> int:
    items = value if isinstance(value, (list, tuple)) else []
    return size(items, MAX_OUTPUT) + len(d) * len(items)


def _replace_size(s: Any, old: str = "", new: str = "", count: int | None = None) -> int:
    text = s if isinstance(s, str) else ""
    times = len(text) + 1 if old == "" else text.count(str(old))
    times = times if count is None or count < 0 else min(times, count)
    return len(text) + times * max(len(str(new)) - len(str(old)), 0)


def _indent_size(s: Any, width: int | str = 4, *_args: Any, **_kwargs: Any) -> int:
    text = s if isinstance(s, str) else ""
    step = len(width) if isinstance(width, str) else width
    return len(text) + (text.count("\n") + 1) * step


def _format_size(value: Any, *args: Any, **kwargs: Any) -> int:
    text = value if isinstance(value, str) else ""
    if _FORMAT_WIDTH.search(text):
        return MAX_TEXT + 1
    return len(text) + size(list(args) + list(kwargs.values()))


_ESTIMATES: dict[str, Callable[..., int]] = {
    "join": _join_size, "replace": _replace_size, "indent": _indent_size,
    "format": _format_size,
    "center": lambda value, width=80: max(size(value), width),
    "sum": lambda iterable, attribute=None, start=0: 0 if isinstance(start, (int, float))
    else size(iterable),
    "batch": lambda value, linecount, fill_with=None: size(value) + linecount,
    "wordwrap": lambda s, width=79, break_long_words=True, wrapstring=None, **_: size(s) * (
        1 + len(wrapstring or "\n")),
}
