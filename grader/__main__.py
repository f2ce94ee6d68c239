import os
import sys

from grader.cli import main

if __name__ == "__main__":  # the batch's worker processes import this module again (multiprocessing spawn)
    try:
        code = main()
        sys.stdout.flush()  # here, inside the try, rather than when Python exits
    except BrokenPipeError:
        # the reader closed the pipe (`python -m grader summary VGG16 | head`): stop quietly, as Unix tools do,
        # and keep Python from complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141  # 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe
    sys.exit(code)
