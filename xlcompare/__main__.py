"""`python -m xlcompare` runs the command line, like the `xlcompare` script."""
from xlcompare.launch import main

main()
