import pytest
from ucbr import policy
import tests.test_policy_stateful as m

@pytest.mark.parametrize("name,repl", [
    ("_check_approver", lambda case, d, ctx: None),
    ("_check_ladder", lambda case, step, inc: None),
    ("_check_review_by", lambda rb, ctx: rb or ctx.today.replace(year=ctx.today.year + 2)),
])
def test_mutant(monkeypatch, name, repl):
    monkeypatch.setattr(policy, name, repl)
    with pytest.raises((AssertionError, ExceptionGroup)):
        m.TestRegister().runTest()

@pytest.mark.parametrize("name,repl", [
    ("_check_not_involved", lambda *a: None),
    ("_next_review_date", lambda asked, ctx: asked or ctx.today.replace(year=ctx.today.year + 2)),
])
def test_mutant2(monkeypatch, name, repl):
    monkeypatch.setattr(policy, name, repl)
    with pytest.raises((AssertionError, ExceptionGroup)):
        m.TestRegister().runTest()
