"""Text into each output format, escaped: nothing a name holds can inject markup or crash a renderer.

Every renderer first takes control characters and escape sequences out
(:func:`objectmatch._text.clean_text`), then escapes what its format reads as syntax:
Markdown (its own syntax and HTML), HTML, matplotlib's mathtext (``$``). The terminal renderer
builds rich ``Text`` objects, which never parse markup.
"""

from __future__ import annotations

import html
import re

from objectmatch._text import clean_text

__all__ = ["html_text", "markdown_text", "mpl_lines", "mpl_text", "plain"]

# Characters Markdown (CommonMark and GitHub's tables, strike-through, math in some renderers) reads as syntax.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]|~$])")
# What only counts at the start of a line: a heading, a list item, a block quote (``>`` is escaped as HTML).
_LINE_START = re.compile(r"^(\s*)(#|[-+](?=\s)|\d+[.)](?=\s))")


def plain(text: object) -> str:
    """Text without control characters, line breaks or escape sequences.

    Examples
    --------
    >>> plain("Café\\x1b[31m De\\r\\nKade")
    'Café De Kade'
    """
    return clean_text(str(text))


def markdown_text(text: object) -> str:
    """Text for Markdown: HTML escaped, Markdown syntax backslash-escaped, on one line.

    Examples
    --------
    >>> markdown_text("<script>*x*</script> | [a](b)")
    '&lt;script&gt;\\\\*x\\\\*&lt;/script&gt; \\\\| \\\\[a\\\\](b)'
    >>> markdown_text("1. first"), markdown_text("# not a heading"), markdown_text("Programme #1")
    ('1\\\\. first', '\\\\# not a heading', 'Programme #1')
    >>> markdown_text("- not a list"), markdown_text("-0.100")
    ('\\\\- not a list', '-0.100')
    """
    out = html.escape(plain(text), quote=False)
    out = _MARKDOWN_SYNTAX.sub(r"\\\1", out)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)


def html_text(text: object) -> str:
    """Text for HTML, quotes included (safe in attributes too).

    Examples
    --------
    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(plain(text), quote=True)


def mpl_text(text: object) -> str:
    """Text for matplotlib with mathtext off: every ``$`` escaped, so ``$\\frac{1$`` is drawn as written.

    Examples
    --------
    >>> mpl_text("$\\\\frac{1$ costs $5")
    '\\\\$\\\\frac{1\\\\$ costs \\\\$5'
    """
    return plain(text).replace("$", r"\$")


def mpl_lines(text: str) -> str:
    """:func:`mpl_text` line by line: the line breaks of a title stay, nothing else.

    Examples
    --------
    >>> print(mpl_lines("Kantoor $1\\nprogramme #1"))
    Kantoor \\$1
    programme #1
    """
    return "\n".join(mpl_text(line) for line in text.split("\n"))
