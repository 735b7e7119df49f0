"""`python -m xlcompare` runs the command line, like the `xlcompare` script."""
from xlcompare.cli import main

main()
