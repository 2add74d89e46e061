"""DSFR colours (PRODUCT.md §9) and the system font: one palette for charts and documents."""

from __future__ import annotations

BLEU_FRANCE = "#000091"
ROUGE_MARIANNE = "#E1000F"
GREY_TEXT = "#161616"
GREY_SECONDARY = "#3A3A3A"
GREY_MUTED = "#666666"
GREY_BORDER = "#DDDDDD"
GREY_BACKGROUND = "#F6F6F6"
INFO = "#0063CB"
SUCCESS = "#18753C"
WARNING = "#B34000"
ERROR = "#CE0500"
PALETTE = ["#5C68E5", "#82B5F2", "#29598F", "#31A7AE", "#81EEF5", "#B478F1", "#CFB1F5", "#CECECE"]
# Sequential scale for ratings 1 → 3 (light to Bleu France): read with the number in the cell.
RATING_SCALE = ["#E3E3FD", "#8585F6", BLEU_FRANCE]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
