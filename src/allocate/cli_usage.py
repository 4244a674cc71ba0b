"""How to use `allocate`, said in the planner's language: click's usage errors and `--help`.

click speaks English, in its usage errors ("Missing option '-o' / '--out'.") and its help pages. A Chinese planner
gets both in Chinese when the language resolves to zh: the `--lang` on the command line, else the language of the
case it names, else the locale (`asked_language`), or, for a usage error met once the command knows its language,
that one. English stays click's own, word for word. Every word is the catalog's; help pages go through click's
formatter (`Command.get_help`). Kept apart from `allocate.cli`, which holds the commands and what their failures
exit with.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from gettext import gettext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from allocate.catalog import Lang, message
from allocate.errors import AllocateError
from allocate.text import display_width, printable

LANG = "allocate.lang"
"""Where a command keeps the language it speaks (`click.Context.meta`), for the errors it ends with."""
ARGV = "allocate.argv"
"""`click.Context.meta` key: the command line as given, for the language of a usage error met before the command
knew its own, and of help (`asked_language`)."""

HELP_SHOWN: tuple[type[BaseException], ...] = tuple(
    c for c in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if c is not None
)
"""click 8.2 and later show the help for a bare `allocate` by raising a UsageError: that help is said as `--help`
is (`Command.get_help`), not as an error."""

_METAVARS = {
    "path": "help_metavar_path",
    "file": "help_metavar_file",
    "directory": "help_metavar_directory",
    "integer": "help_metavar_integer",
    "integer range": "help_metavar_integer_range",
    "float range": "help_metavar_float_range",
    "text": "help_metavar_text",
    "date": "help_metavar_date",
}
"""The name of a click type (its metavar is the name in capitals, `FLOAT RANGE`) -> the catalog's words for it."""


class SaidUsage(click.UsageError):
    """A usage error with the catalog's words for it (`said`: key and words), which Chinese is said in; English
    keeps `message`, click's own words or ours. `where` is the command whose usage Chinese shows, when click
    gives the error no context (`ctx`) of its own."""

    def __init__(
        self,
        message: str,
        said: tuple[str, dict[str, str]],
        ctx: click.Context | None = None,
        where: click.Context | None = None,
    ) -> None:
        super().__init__(message, ctx)
        self.said = said
        self.where = where or ctx


class SaidValue(click.BadParameter):
    """A value refused, with the catalog's words for why (`said`); English keeps `message` (click's words, or the
    catalog's English when `message` is None). Shown after the parameter's name, as click shows it."""

    def __init__(
        self,
        said: tuple[str, dict[str, str]],
        message_en: str | None = None,
        ctx: click.Context | None = None,
        param: click.Parameter | None = None,
        param_hint: str | None = None,
    ) -> None:
        key, words = said
        super().__init__(message(key, "en", **words) if message_en is None else message_en, ctx, param, param_hint)
        self.said = said


def asked_language(group: click.Group, argv: Sequence[str]) -> Lang:
    """The language of a usage error met before the command knew its own, and of help: the `--lang` on the
    command line, else the language of the case it names when that exists (`allocate.io.case_language`), else
    the locale's (LC_ALL, LC_MESSAGES or LANG starting with zh means Chinese)."""
    args = list(argv)
    asked: Lang | None = None
    for i, arg in enumerate(args):  # the last one, as click takes it
        if arg == "--":
            break
        said = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and said in ("en", "zh"):
            asked = "zh" if said == "zh" else "en"
    if asked is not None:
        return asked
    case = _case_named(group, args)
    if case is not None and case.exists():
        from allocate.io import case_language

        with suppress(AllocateError, OSError, ValueError):  # a case that cannot be read says so when read
            return case_language(case)
    return locale_language()


def locale_language() -> Lang:
    """The locale's language: the first of LC_ALL, LC_MESSAGES and LANG that is set, Chinese when it starts with
    zh; else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return "zh" if os.environ[name].lower().startswith("zh") else "en"
    return "en"


def _case_named(group: click.Group, args: list[str]) -> Path | None:
    """The CASE argument on a command line of `group`, or None (no command with a case, or none given)."""
    name = next((a for a in args if not a.startswith("-")), None)
    command = group.commands.get(name) if name is not None else None
    if name is None or command is None:
        return None
    if isinstance(command, click.Group):  # `allocate round plan OPDIR CASE`: the case of the command it names
        return _case_named(command, args[args.index(name) + 1 :])
    arguments = [p.name for p in command.params if isinstance(p, click.Argument)]
    if "case" not in arguments:
        return None
    valued = {
        o
        for p in command.params
        if isinstance(p, click.Option) and not p.is_flag and not p.count
        for o in (*p.opts, *p.secondary_opts)
    }
    given: list[str] = []
    rest = iter(args[args.index(name) + 1 :])
    for arg in rest:
        if arg == "--":
            given.extend(rest)
        elif arg.startswith("-") and len(arg) > 1:
            if arg in valued:
                next(rest, None)
        else:
            given.append(arg)
    at = arguments.index("case")
    return Path(given[at]) if at < len(given) else None


def say_usage(e: click.UsageError, lang: Lang, ctx: click.Context | None) -> None:
    """Say a usage error in Chinese, in the frame click puts around it (usage, where help is, the error), and exit
    2; in English, return and leave it to click."""
    if lang != "zh" or isinstance(e, HELP_SHOWN):
        return
    zh: Lang = "zh"
    at = getattr(e, "where", None) or e.ctx or ctx
    if at is not None:
        usage = at.get_usage().removeprefix("Usage: ")
        click.echo(message("usage_usage", zh, usage=_usage_in(usage, zh)), err=True)
        click.echo(message("usage_help", zh, command=at.command_path), err=True)
        click.echo("", err=True)
    click.echo(printable(message("usage_error", zh, error=_usage_words(e))), err=True)
    raise click.exceptions.Exit(e.exit_code) from None


def _usage_in(usage: str, lang: Lang) -> str:
    """A usage line (`allocate solve [OPTIONS] CASE`) with click's words for options and commands in `lang`."""
    usage = usage.replace("[OPTIONS]", message("usage_options", lang))
    return usage.replace("COMMAND [ARGS]...", message("usage_command_args", lang))


def _usage_words(e: click.UsageError) -> str:
    """What went wrong, in Chinese: from the catalog for every error click (or this module) raises; our own
    messages are already in the command's language."""
    zh: Lang = "zh"
    said: tuple[str, dict[str, str]] | None = getattr(e, "said", None)
    if isinstance(e, click.MissingParameter):
        kind = "argument" if isinstance(e.param, click.Argument) or e.param_type == "argument" else "option"
        return message(f"usage_missing_{kind}", zh, hint=_hint(e))
    if isinstance(e, click.BadParameter):
        what = message(said[0], zh, **said[1]) if said else message("usage_bad_value_plain", zh)
        hint = _hint(e)
        return message("usage_bad_value", zh, hint=hint, said=what) if hint else what
    if said:
        return message(said[0], zh, **said[1])
    if isinstance(e, click.NoSuchOption):
        close = ", ".join(e.possibilities or ())
        text = message("usage_no_option", zh, name=e.option_name)
        return message("usage_did_you_mean", zh, said=text, names=close) if close else text
    if e.message == gettext("Missing command."):
        return message("usage_missing_command", zh)
    return e.format_message()


def _hint(e: click.BadParameter) -> str:
    """The parameter a bad value is for, as click names it: `'--lang'`, `'-o' / '--out'`, `'CASE'`."""
    if isinstance(e.param_hint, str):
        return e.param_hint
    if e.param_hint is not None:
        return " / ".join(f"'{h}'" for h in e.param_hint)
    return e.param.get_error_hint(e.ctx) if e.param is not None and e.ctx is not None else ""


def _takes_value(command: click.Command, name: str) -> bool:
    """Whether the option `name` of `command` takes a value (it is not a flag)."""
    params = command.params
    option = next((p for p in params if isinstance(p, click.Option) and name in (*p.opts, *p.secondary_opts)), None)
    return option is None or not (option.is_flag or option.count)


# --- help ---------------------------------------------------------------------------------------------------------


def help_language(ctx: click.Context) -> Lang:
    """The language help is shown in: the one a usage error would be said in (`asked_language`), from the
    command line its group recorded (`ARGV`)."""
    root = ctx.find_root()
    if not isinstance(root.command, click.Group):
        return asked_language(click.Group(), ())
    return asked_language(root.command, root.meta.get(ARGV, ()))


class _Chinese(click.HelpFormatter):
    """click's help formatter for Chinese: a heading ends in a full-width colon, and text is broken into lines by
    display width (a Chinese character takes two columns), between characters as well as at spaces."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = (_lines(p, self.width - self.current_indent) for p in text.split("\n\n"))
        self.write("\n\n".join("\n".join(indent + line for line in lines) for lines in paragraphs))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """click's definition list (options, commands), with the terms and lines measured in display columns."""
        rows = list(rows)
        first_col = min(max((display_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        for term, said in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not said:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = _lines(said, max(self.width - first_col - 2, 10))
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


_TOKEN = re.compile(r"\s+|[!-~]+|\S")
"""Where a line may break: at spaces, around a run of ASCII (a word, an option, a path), around each other
character (a Chinese one)."""
_NO_LINE_START = frozenset("，。；：、）》」』”’！？…")
_NO_LINE_END = frozenset("（《「『“‘")


def _lines(text: str, width: int) -> list[str]:
    """`text` (one paragraph) broken into lines of at most `width` display columns where it can be (a word longer
    than that stays whole), never before closing punctuation or after opening punctuation."""
    tokens: list[str] = []
    for token in _TOKEN.findall(" ".join(text.split())):
        glued = tokens and not token.isspace() and not tokens[-1].isspace()
        if glued and (token[0] in _NO_LINE_START or tokens[-1][-1] in _NO_LINE_END):
            tokens[-1] += token
        else:
            tokens.append(token)
    lines, line = [], ""
    for token in tokens:
        if token.isspace():
            line += " " if line else ""
        elif line.strip() and display_width(line + token) > width:
            lines.append(line.rstrip())
            line = token
        else:
            line += token
    return [*lines, line.rstrip()]


class _Spoken(click.Command):
    """A command whose help is the catalog's words (`help_key`, and the options' own), shown in the language asked
    (`help_language`): English as click has always shown it, Chinese through `_Chinese`."""

    def __init__(self, *args: Any, help_key: str | None = None, **attrs: Any) -> None:
        if help_key is not None:
            attrs["help"] = message(help_key, "en")
        super().__init__(*args, **attrs)
        self.help_key = help_key

    def get_help(self, ctx: click.Context) -> str:
        if help_language(ctx) == "en":
            return super().get_help(ctx)
        formatter = _Chinese(width=ctx.terminal_width, max_width=ctx.max_content_width)
        self.format_help(ctx, formatter)
        return formatter.getvalue().rstrip("\n")

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not isinstance(formatter, _Chinese):
            return super().format_usage(ctx, formatter)
        usage = _usage_in(" ".join(self.collect_usage_pieces(ctx)), "zh")
        formatter.write_usage(ctx.command_path, usage, prefix=message("usage_usage", "zh", usage=""))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not isinstance(formatter, _Chinese) or self.help_key is None:
            return super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(message(self.help_key, "zh"))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not isinstance(formatter, _Chinese):
            return super().format_options(ctx, formatter)
        params = [p for p in self.get_params(ctx) if not isinstance(p, click.Argument)]  # as click lists them
        rows = [r for p in params if (r := _help_record(p, ctx)) is not None]
        if rows:
            with formatter.section(message("help_options", "zh")):
                formatter.write_dl(rows)


def _help_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """An option's line of a Chinese help page: its names and value, as click writes them but the kind of value
    (`PATH`) in words, and what it does with its default, range and whether it is required, in the catalog's
    words."""
    record = param.get_help_record(ctx)
    if record is None or not isinstance(param, click.Option):
        return record
    zh: Lang = "zh"
    term, said = record
    kind = param.type.name
    if param.metavar is None and not (param.is_flag or param.count) and kind in _METAVARS:
        shown = kind.upper()
        if term.endswith(f" {shown}"):
            term = term.removesuffix(shown) + message(_METAVARS[kind], zh)
    key: str | None = getattr(param, "help_key", None)
    if key is None and set(param.opts) & set(ctx.help_option_names):
        key = "help_opt_help"
    said = message(key, zh) if key is not None else said
    extras: list[str] = []
    if (param.show_default if param.show_default is not None else ctx.show_default) and not param.is_flag:
        default = param.default
        if default is not None and not callable(default):
            extras.append(message("help_default", zh, value=repr(default) if isinstance(default, str) else default))
    if isinstance(param.type, click.IntRange | click.FloatRange):
        extras.append(_range(param.type))
    if param.required:
        extras.append(message("help_required", zh))
    return term, message("help_extras", zh, help=said, extras=message("list_sep", zh).join(extras)) if extras else said


def _range(kind: click.IntRange | click.FloatRange) -> str:
    """A range as click's help writes it: `x>=1`, `x>0`, `0<=x<=130`."""
    low = "<" if kind.min_open else "<="
    high = "<" if kind.max_open else "<="
    if kind.min is None:
        return f"x{high}{kind.max}"
    if kind.max is None:
        return f"x{'>' if kind.min_open else '>='}{kind.min}"
    return f"{kind.min}{low}x{high}{kind.max}"


class Command(_Spoken):
    """A command whose help is said in the language asked, and whose usage errors can be: an option without its
    value (or a flag with one) and extra arguments carry the catalog's words."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except click.BadOptionUsage as e:
            key = "usage_needs_value" if _takes_value(self, e.option_name) else "usage_takes_no_value"
            raise SaidUsage(e.message, (key, {"name": e.option_name}), e.ctx, where=ctx) from None
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            said = ("usage_extra_1" if len(rest) == 1 else "usage_extra_n", {"args": " ".join(rest)})
            raise SaidUsage(message(said[0], "en", **said[1]), said, ctx)
        return rest


class Group(_Spoken, click.Group):
    """A group of `Command`s whose help and usage errors, click's own too, are said in the language of the
    command, or before that is known in the one the command line asks for (`asked_language`). What it runs is
    `run`, for a subclass to map what the commands raise."""

    command_class = Command

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        argv = list(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as e:
            say_usage(e, asked_language(self, argv), None)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(ARGV, list(args))  # before --help, which is shown while parsing
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.NoSuchOption:
            raise
        except click.UsageError as e:  # no such command
            commands = ", ".join(self.list_commands(ctx))
            said = ("usage_no_command", {"name": repr(args[0]), "commands": commands})
            raise SaidUsage(e.format_message(), said, ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self.run(ctx)
        except click.UsageError as e:
            say_usage(e, ctx.meta.get(LANG) or help_language(ctx), ctx)
            raise

    def run(self, ctx: click.Context) -> Any:
        """Run the command the line names (click's `Group.invoke`)."""
        return super().invoke(ctx)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)  # English: click's, commands listed
        if isinstance(formatter, _Chinese):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not isinstance(formatter, _Chinese):
            return super().format_commands(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                key: str | None = getattr(command, "help_key", None)
                rows.append((name, _first_clause(message(key, "zh")) if key else command.get_short_help_str()))
        if rows:
            with formatter.section(message("help_commands", "zh")):
                formatter.write_dl(rows)


def _first_clause(text: str) -> str:
    """A command's help as its line in the list of commands: up to the first full-width colon, semicolon or full
    stop (click takes the first sentence of English)."""
    return re.split("[：；。]", text, maxsplit=1)[0]


_F = TypeVar("_F", bound=Callable[..., Any])


def option(*decls: str, help_key: str, **attrs: Any) -> Callable[[_F], _F]:
    """`click.option` whose help is the catalog's words `help_key`, shown in the language asked."""
    return click.option(*decls, cls=Option, help_key=help_key, **attrs)


class Option(click.Option):
    """An option whose help is the catalog's (`help_key`): English as given to click, Chinese on a Chinese page."""

    def __init__(self, *args: Any, help_key: str, **attrs: Any) -> None:
        attrs["help"] = message(help_key, "en")
        super().__init__(*args, **attrs)
        self.help_key = help_key


# --- values refused -----------------------------------------------------------------------------------------------


class _Refusing:
    """Mixin for the click types of the commands' parameters: a value the type refuses also says why in the
    catalog's words (`SaidValue`), so that a Chinese command line gets Chinese; English keeps click's words."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)  # type: ignore[misc]
        except SaidValue:
            raise
        except click.BadParameter as e:
            raise SaidValue(_refused(self, value), e.message, ctx, param) from None


def _refused(kind: object, value: Any) -> tuple[str, dict[str, str]]:
    """Why the click type `kind` refuses `value`: a catalog key and its words."""
    text = os.fsdecode(value) if isinstance(value, bytes) else str(value)
    shown = repr(text)
    if isinstance(kind, click.Path):
        path = Path(text)
        if not path.exists():
            return "usage_path_missing", {"path": shown}
        if path.is_dir() and not kind.dir_okay:
            return "usage_path_is_folder", {"path": shown}
        if not path.is_dir() and not kind.file_okay:
            return "usage_path_is_file", {"path": shown}
        return "usage_path_denied", {"path": shown}
    if isinstance(kind, click.Choice):
        return "usage_choice", {"value": shown, "choices": ", ".join(repr(c) for c in kind.choices)}
    whole = isinstance(kind, click.types.IntParamType)
    if not whole and not isinstance(kind, click.types.FloatParamType):
        return "usage_bad_value_plain", {}
    try:
        x = int(text) if whole else float(text)
    except ValueError:
        return ("usage_not_whole" if whole else "usage_not_number"), {"value": shown}
    if isinstance(kind, click.IntRange | click.FloatRange):
        if kind.min is not None and (x < kind.min or (kind.min_open and x == kind.min)):
            return ("usage_above" if kind.min_open else "usage_at_least"), {"value": shown, "bound": str(kind.min)}
        if kind.max is not None and (x > kind.max or (kind.max_open and x == kind.max)):
            return ("usage_below" if kind.max_open else "usage_at_most"), {"value": shown, "bound": str(kind.max)}
    return "usage_bad_value_plain", {}


if TYPE_CHECKING:  # click 8.2 and later type their ParamType; 8.1 cannot be subscripted at run time
    _PathBase = click.Path[Path]
    _ChoiceBase = click.Choice[str]
    _DateBase = click.ParamType[dt.date, Any]
else:
    _PathBase, _ChoiceBase, _DateBase = click.Path, click.Choice, click.ParamType


class PathType(_Refusing, _PathBase):
    """click.Path, saying why it refuses a path in the command's language."""


class ChoiceType(_Refusing, _ChoiceBase):
    """click.Choice, saying why it refuses a value in the command's language."""


class IntType(_Refusing, click.types.IntParamType):
    """click's int, saying why it refuses a value in the command's language."""


class IntRangeType(_Refusing, click.IntRange):
    """click.IntRange, saying why it refuses a value in the command's language."""


class FloatRangeType(_Refusing, click.FloatRange):
    """click.FloatRange, saying why it refuses a value in the command's language."""


class DateType(_DateBase):
    """A date written as a date cell may be (`2026-12-01`, `2026/12/1`, `2026年12月1日`), read by the same parser."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from allocate.io.cells import DATE, CellError

        try:
            parsed: dt.date = DATE.parse(str(value))
        except CellError as e:
            also = " (or 2026/3/1, 2026年3月1日)" if e.expected == DATE.noun else ""
            found = printable(repr(value))
            said = (e.key, {"found": found, **e.words}) if e.key else ("usage_bad_value_plain", {})
            raise SaidValue(said, f"expected {e.expected}{also}, found {found}", ctx, param) from None
        return parsed


BACKEND_OPTION = option(
    "--backend",
    type=ChoiceType(["auto", "highs", "ortools", "pulp"]),
    default="auto",
    show_default=True,
    help_key="help_solve_backend",
)
"""`--backend`, as every command that solves takes it (`solve`, `round plan`)."""
TIME_LIMIT_OPTION = option("--time-limit", type=FloatRangeType(min=0, min_open=True), help_key="help_solve_time_limit")
"""`--time-limit`, likewise."""
CASE_LANG_OPTION = option("--lang", type=ChoiceType(["en", "zh"]), default=None, help_key="help_opt_case_lang")
"""`--lang` of a command that reads a case: unset, the case's language speaks."""
