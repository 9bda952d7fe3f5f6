#!/usr/bin/python3
"""The example blocks of README.md and man/*.[1-9], for tests/95-docs.bats.

usage: docblocks.py list          one line per block: FILE<TAB>MARK<TAB>WORDS
       docblocks.py get NAME      the text of the block marked "doc-test: NAME"

Every ``` block of README.md and every .Bd/.Dl of a man page's EXAMPLES section
must be marked on the line before it: in README.md with
<!-- doc-test: NAME --> or <!-- not run: REASON -->, in a man page with
.\\" doc-test: NAME or .\\" not run: REASON. MARK is doc-test, not-run or
unmarked; WORDS is what follows the mark. Roff escapes in man blocks are undone.
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = re.compile(r"(?:<!--|\.\\\")\s*(doc-test|not run):\s*(.*?)\s*(?:-->)?$")


def mark_of(line):
    m = MARK.match(line.strip())
    if not m:
        return "unmarked", ""
    return m.group(1).replace(" ", "-"), m.group(2)


def readme_blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            start = i
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                i += 1
            yield mark_of(lines[start - 1] if start else ""), lines[start + 1:i]
        i += 1


def unroff(line):
    return line.replace("\\e", "\\").replace("\\&", "").replace("\\(aq", "'").replace("\\-", "-")


def man_blocks(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    in_examples = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".Sh "):
            in_examples = line == ".Sh EXAMPLES"
        elif in_examples and line.startswith(".Dl "):
            yield mark_of(lines[i - 1]), [unroff(line[4:])]
        elif in_examples and line.startswith(".Bd "):
            start = i
            i += 1
            while i < len(lines) and lines[i] != ".Ed":
                i += 1
            yield mark_of(lines[start - 1]), [unroff(x) for x in lines[start + 1:i]]
        i += 1


def blocks():
    yield from (("README.md",) + b for b in readme_blocks(os.path.join(TOP, "README.md")))
    for path in sorted(glob.glob(os.path.join(TOP, "man", "*.[1-9]"))):
        yield from ((os.path.relpath(path, TOP),) + b for b in man_blocks(path))


def main():
    if sys.argv[1:] == ["list"]:
        for path, (mark, words), _ in blocks():
            print(f"{path}\t{mark}\t{words}")
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "get":
        found = [text for _, (mark, words), text in blocks()
                 if mark == "doc-test" and words.split()[0] == sys.argv[2]]
        if len(found) != 1:
            print(f"docblocks: {sys.argv[2]}: {len(found)} blocks with that name", file=sys.stderr)
            return 1
        print("\n".join(found[0]))
        return 0
    print(__doc__, file=sys.stderr)
    return 64


sys.exit(main())
