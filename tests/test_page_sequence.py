"""The sidebar's sequence editor reads a CSV file (AppTest): the default column, the column choice, errors
that name the problem, the link, and a page switch."""
import pytest

from apptest_util import decode, link, live_figures, move, open_page

PRICES = b"t,price,volume\n0,100,5\n1,102,7\n2,105,6\n3,101,9\n"


def upload(at, name, data):
    """Pick "Type or CSV" and give the file uploader `data`; the page must not raise."""
    move(at, "source", "typed")
    at.file_uploader(key="seq_csv_file").upload(name, data, "text/csv").run()
    assert not at.exception
    return at


def xs(at):
    """x_1 … x_T as the forward page's diagram draws them."""
    return decode(next(t for t in live_figures(at)[0]["data"] if t.get("name") == "x")["marker"]["color"])


def test_a_t_value_file_models_the_value_column_and_the_link_carries_its_numbers():
    at = upload(open_page("pages/forward.py"), "prices.csv", PRICES)
    assert at.text_area(key="seq_text").value == "100, 102, 105, 101"
    assert not at.error and xs(at).tolist() == [100, 102, 105]             # T = 3, targets 102, 105, 101
    assert any("column price of prices.csv" in c.value for c in at.main.caption)
    assert link(at)["seq_text"] == "100, 102, 105, 101"
    at.selectbox(key="seq_csv_column").select("volume").run()
    assert not at.exception and at.text_area(key="seq_text").value == "5, 7, 6, 9"
    assert any("column volume of prices.csv" in c.value for c in at.main.caption)


def test_the_numbers_survive_a_page_switch():
    at = upload(open_page("pages/forward.py"), "prices.csv", PRICES)
    at.switch_page("pages/bptt.py").run()
    assert not at.exception and not at.error
    assert at.text_area(key="seq_text").value == "100, 102, 105, 101"
    assert any("column price of prices.csv" in c.value for c in at.main.caption)


@pytest.mark.parametrize("name, data, message", [
    ("photo.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "binary"),
    ("empty.csv", b"", "empty"),
    ("huge.csv", b"v\n" + b"1.5\n" * 300_000, "MB"),
    ("bad.csv", b"t,v\n0,1\n1,abc\n2,3\n", "line 3 of column 'v' is 'abc'"),
    ("quote.csv", b'v\n1\n"2\n', "not a readable CSV"),
    ("long.csv", b"v\n" + b"1\n" * 600, "at most T = 500"),
])
def test_an_unusable_file_gets_an_error_and_the_sequence_is_unchanged(name, data, message):
    at = upload(open_page("pages/forward.py"), name, data)
    errors = [e.value for e in at.error]
    assert any(message in e and name in e for e in errors), errors
    assert at.text_area(key="seq_text").value == "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"  # seed 003's, as before
    assert xs(at).tolist() == list(range(1, 10))


def test_an_error_stays_with_its_file_and_a_good_file_replaces_it():
    at = upload(open_page("pages/forward.py"), "bad.csv", b"v\n1\nx\n")
    assert any("bad.csv" in e.value for e in at.error)
    at.run()  # a rerun (a widget moved): the file is still there, so is its error
    assert any("bad.csv" in e.value for e in at.error)
    at.file_uploader(key="seq_csv_file").upload("good.csv", b"v\n3\n1\n2\n", "text/csv").run()
    assert not at.exception and not at.error and at.text_area(key="seq_text").value == "3, 1, 2"
    at.switch_page("pages/vanishing.py").run()
    assert not at.exception and at.text_area(key="seq_text").value == "3, 1, 2"


def test_the_page_says_what_the_link_carries():
    at = upload(open_page("pages/forward.py"), "prices.csv", PRICES)
    assert any("A link carries them, not the file" in c.value for c in at.sidebar.caption)
    rows = "\n".join(f"{t},{1 + t / 1000:.9f}" for t in range(450))            # 450 × 11 characters
    upload(at, "long.csv", f"t,value\n{rows}\n".encode())
    assert not at.error and len(at.text_area(key="seq_text").value) > 4000
    assert any("too long for the link" in c.value for c in at.sidebar.caption)
    assert "seq_text" not in link(at)                                               # the default goes instead
