"""Stage: the static scan of submissions, which flags code that tries to game or break grading (no score changes).

rules.py is the catalogue, python_tree.py parses cells, cell_scanner.py applies the rules to one cell,
notebooks.py compares a submission with the release and scans the cells the student wrote, flags.py stores flags.
"""
