"""Imported ahead by the grader's forkserver (grader.isolate): torch's own modules and the reference
zoo's, so that each grading child, forked from it, starts with them loaded."""

import importlib

import solutions

for _module in solutions.model_modules():
    importlib.import_module(_module)
