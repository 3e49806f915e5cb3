"""Short links: a stored view comes back as saved; bad codes and files are simply unknown."""

import pytest

from mnist_core.store import TERMINAL, Credential, NotAllowed, Registry, access, keys, views

VIEW = {"epochs": ["7"], "view": ["lecture"], "hide": ["lr,batch"]}


def test_a_saved_view_comes_back_under_a_typeable_code(lab_home):
    code = views.save(lab_home, "MLP", VIEW, None)  # a student's own machine: anyone shares
    assert views.CODE_PATTERN.match(code)
    assert not set(code) & set("01oli")  # nothing a projector makes ambiguous
    assert views.load(lab_home, code) == {"page": "MLP", "parameters": VIEW}


@pytest.mark.parametrize("code", ["", "ABCDEF", "../../x", "abc", "a" * 7, None, "zzzzzz"])
def test_an_unknown_or_malformed_code_is_no_view(lab_home, code):
    assert views.load(lab_home, code) is None


def test_a_damaged_view_file_is_no_view(lab_home):
    code = views.save(lab_home, "MLP", VIEW, None)
    (lab_home / views.VIEWS_DIR / f"{code}.json").write_text('{"page": "MLP", "parameters": 3}')
    assert views.load(lab_home, code) is None


@pytest.mark.parametrize("page, parameters", [("../etc", {}), ("MLP", {"x": ["y" * 500]}),
                                              ("MLP", {"x": [3]}), ("MLP", {"a": "b"} | {
                                                  str(n): "1" for n in range(100)})])
def test_a_view_that_is_not_one_is_refused(lab_home, page, parameters):
    with pytest.raises(ValueError):
        views.save(lab_home, page, parameters, None)


def test_on_a_class_server_only_the_instructor_shares(lab_home):
    keys.set_instructor_key(lab_home, "the instructor's key")
    student = Credential(keys={"alice": access.claim(Registry(lab_home), "alice")})
    with pytest.raises(NotAllowed):
        views.save(lab_home, "MLP", VIEW, student)
    assert views.save(lab_home, "MLP", VIEW,
                      Credential(keys={"lecture": "the instructor's key"}))
    assert views.save(lab_home, "MLP", VIEW, TERMINAL)
