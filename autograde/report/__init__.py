"""Stage: what the people reading the grades get: the grades CSV and score table (grades.py), feedback pages
without hidden tests (feedback.py, hide_hidden_tests.py)."""
