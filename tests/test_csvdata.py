"""rnnviz.csvdata: a person's CSV file → columns, the default column, values, and errors that say what to fix."""
import numpy as np
import pytest

from rnnviz.csvdata import MAX_CSV_BYTES, CsvError, read_csv


@pytest.mark.parametrize("text, default", [
    ("t,value\n0,5\n1,7\n2,4\n", "value"),                 # a time column named t is an index
    ("value,t\n5,0\n7,1\n4,2\n", "value"),
    (",price\n0,100\n1,102\n2,105\n", "price"),            # pandas' unnamed index column
    ("step,temp,pressure\n1,20.5,1000\n2,21,990\n3,19,1010\n", "temp"),
    ("date,close\n2024-01-01,100\n2024-01-02,102\n2024-01-03,101\n", "close"),  # dates are not numbers
    ("k,x\n0,1\n1,2\n2,3\n", "x"),                        # a ramp of values still wins over an index name
    ("a,b\n0,3\n1,1\n2,4\n", "b"),                         # an unnamed ramp 0, 1, 2 reads as an index
    ("t,v\n0,1\n1,abc\n", "v"),                           # not t: reading v names its bad cell
    ("t\n0\n1\n", "t"),                                    # nothing but an index
    ("1\n2\n3\n", "column 1"),                             # no header: the first row is data
    ("x;y\n1;5\n2;6\n4;9\n", "x"),                         # semicolons
    ("t\tv\n0\t1.5\n1\t2.5\n2\t0.5\n", "v"),               # tabs
    ("t,value\n0,5\n1,7\n2,4\n", "value"),
    ("x,y\n0.5,1\n0.1,2\n0.9,3\n", "x"),                   # an uneven first column is data
    ("Time,a,b\n0,1,2\n0.5,3,1\n1.0,2,2\n", "a"),           # index names in any case
])
def test_the_default_column_is_the_first_numeric_one_that_is_not_an_index(text, default):
    assert read_csv(text.encode()).default == default


def test_values_and_text_of_a_column():
    table = read_csv(b"\xef\xbb\xbft,value\n0, 1.5\n\n1,-2e-3\n2,4\n")  # a BOM, spaces and a blank line
    assert table.columns == ("t", "value") and table.numeric == ("t", "value")
    assert table.values("value").tolist() == [1.5, -2e-3, 4.0]
    assert table.text("value") == "1.5, -2e-3, 4"
    headless = read_csv(b"1,10\n2,20\n")
    assert headless.columns == ("column 1", "column 2") and headless.values("column 2").tolist() == [10, 20]


@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"\n \n", "empty"),
    (b"value\n", "no values below"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary"),
    ("t,v\n1,é\n".encode("latin-1"), "not UTF-8"),
    (b"t,v\n0," + b"1" * MAX_CSV_BYTES, "MB"),
    (b"v\n" + b"1\n" * 6000, "more than 5000 rows"),
    (b'v\n"1\n', "not a readable CSV"),
])
def test_unusable_files_get_a_message(raw, message):
    with pytest.raises(CsvError, match=message):
        read_csv(raw)


@pytest.mark.parametrize("text, column, message", [
    ("t,v\n0,1\n1,abc\n", "v", "line 3 of column 'v' is 'abc', not a number"),
    ("t,v\n0,1\n\n1\n", "v", "line 4 of column 'v' is empty"),
    ("t,v\n0,1\n1,nan\n", "v", "'nan', not a number"),          # the typed sequence's rule: no nan, no inf
    ("t,v\n0,1\n1,1e999\n", "v", "too large"),
    ("t,v\n0,1\n", "w", "no column 'w' in the file; its columns are: t, v"),
])
def test_a_bad_cell_is_named_by_line_and_column(text, column, message):
    with pytest.raises(CsvError, match=message):
        read_csv(text.encode()).values(column)


def test_a_column_longer_than_asked_is_refused():
    table = read_csv(("v\n" + "\n".join(map(str, range(600)))).encode())
    assert len(table.values("v")) == 600
    with pytest.raises(CsvError, match="600 values; at most 501"):
        table.values("v", max_len=501)
    assert not np.any(np.isnan(table.values("v")))
