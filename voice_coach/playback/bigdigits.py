"""Numbers several rows high, for a screen read from a mat two metres away.

A terminal has no font sizes; blocks drawn with full-block characters are the one way to make a
count readable from the floor. Five rows of three cells, each cell drawn `scale` times over.
"""

from __future__ import annotations

GLYPHS = {
    "0": ("###", "# #", "# #", "# #", "###"),
    "1": (" # ", "## ", " # ", " # ", "###"),
    "2": ("###", "  #", "###", "#  ", "###"),
    "3": ("###", "  #", " ##", "  #", "###"),
    "4": ("# #", "# #", "###", "  #", "  #"),
    "5": ("###", "#  ", "###", "  #", "###"),
    "6": ("###", "#  ", "###", "# #", "###"),
    "7": ("###", "  #", "  #", " # ", " # "),
    "8": ("###", "# #", "###", "# #", "###"),
    "9": ("###", "# #", "###", "  #", "###"),
    ":": ("   ", " # ", "   ", " # ", "   "),
}
ROWS = 5
CELL_WIDTH = 2
"""Terminal cells are about twice as tall as wide: two columns a cell look square."""


def width_of(text: str, scale: int = 1) -> int:
    """Columns `big(text, scale)` takes (a column between characters)."""
    return max(0, len(text) * (3 * CELL_WIDTH * scale + scale) - scale)


def big(text: str, scale: int = 1) -> list[str]:
    """`text` (digits and colons) as rows of full blocks, `ROWS * scale` rows high."""
    rows: list[str] = []
    for row in range(ROWS):
        pieces = []
        for char in text:
            glyph = GLYPHS[char][row]
            pieces.append(
                "".join(("█" if cell == "#" else " ") * CELL_WIDTH * scale for cell in glyph)
            )
        line = (" " * scale).join(pieces)
        rows.extend([line] * scale)
    return rows
