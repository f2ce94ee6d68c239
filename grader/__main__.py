import sys

from grader.cli import main

if __name__ == "__main__":  # the batch's worker processes import this module again (multiprocessing spawn)
    sys.exit(main())
