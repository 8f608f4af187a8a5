"""``python -m threadscope`` runs the command line."""

from threadscope.cli import main

main()
