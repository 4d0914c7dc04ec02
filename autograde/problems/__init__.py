"""The course content behind each notebook, one folder per notebook (named like it, e.g. 01_simple_conv1d/):

- probe.py: the hidden tests' kernel half, one `# %% grade_id` section per grade cell (autograde/build/
  hidden_sections.py); `# %% common` holds what the sections share;
- judge.py: one function per section, the grader's half (autograde/grade/judging.py): expected values from an
  oracle (oracles.py: the formulas as loops), a bilingual message when the student's result differs;
- mistakes.py: the typical mistakes of the problem, as edits of the reference solution, with the grade cells each
  must fail; the demo class's partial student makes the ones marked `demo`.
"""
