"""A fixed, colour-blind friendly colour per use function.

The ten default functions take Paul Tol's *muted* qualitative scheme
(https://personal.sron.nl/~pault/, "Colour schemes and templates", 2021), which stays
distinguishable under the common forms of colour blindness; "other" takes its pale grey.
Functions a custom vocabulary adds take a colour from Tol's *light* scheme, chosen by a
stable hash of the name, so the same function is always drawn in the same colour.
Vacant area is white with grey hatching, never a fill colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

# the other names here (extra colours, text colour, ordering) serve the plots only
__all__ = ["FUNCTION_COLOURS", "VACANT_HATCH", "function_colour"]

#: function -> colour (hex), in the order of the default vocabulary.
FUNCTION_COLOURS: Final = MappingProxyType(
    {
        "residential": "#CC6677",  # rose
        "assembly": "#DDCC77",  # sand
        "healthcare": "#88CCEE",  # cyan
        "industrial": "#882255",  # wine
        "office": "#332288",  # indigo
        "lodging": "#AA4499",  # purple
        "education": "#117733",  # green
        "sport": "#44AA99",  # teal
        "retail": "#999933",  # olive
        "other": "#DDDDDD",  # pale grey
    }
)
#: Colours for functions outside the default vocabulary (Tol's light scheme).
EXTRA_COLOURS: Final = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")
#: A tenant whose function is not known (no candidates given).
UNKNOWN_COLOUR: Final = "#BBBBBB"
VACANT_COLOUR: Final = "#FFFFFF"
VACANT_EDGE: Final = "#888888"
VACANT_HATCH: Final = "///"


def function_colour(function: str | None) -> str:
    """The colour of a use function (hex); :data:`UNKNOWN_COLOUR` for ``None``.

    Examples
    --------
    >>> function_colour("office"), function_colour("office") == function_colour("office")
    ('#332288', True)
    >>> function_colour("urban_farming") in EXTRA_COLOURS
    True
    """
    if function is None:
        return UNKNOWN_COLOUR
    if function in FUNCTION_COLOURS:
        return FUNCTION_COLOURS[function]
    return EXTRA_COLOURS[zlib.crc32(function.encode("utf-8")) % len(EXTRA_COLOURS)]


def order_functions(functions: Iterable[str]) -> list[str]:
    """Functions in legend order: the default vocabulary's order first, then others alphabetically.

    Examples
    --------
    >>> order_functions(["retail", "zzz", "residential"])
    ['residential', 'retail', 'zzz']
    """
    known = list(FUNCTION_COLOURS)
    unique = set(functions)
    return [f for f in known if f in unique] + sorted(unique - set(known))


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (hex, by relative luminance).

    Examples
    --------
    >>> text_colour("#332288"), text_colour("#DDCC77")
    ('white', 'black')
    """
    code = background.lstrip("#")
    r, g, b = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return "black" if luminance > 0.22 else "white"
