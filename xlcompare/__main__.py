"""`python -m xlcompare`: the same as the `xlcompare` command."""
from xlcompare.cli import main

main()
