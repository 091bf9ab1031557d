"""Issue 21, hostile input: text from a scenario or a dataset never becomes a formula in what ersim exports.

A scenario description, target labels and an enterprise and a county name that start with '=', '+', '-', '@',
a tab or a carriage return (OWASP's CSV-injection characters) go through `ersim run` and `ersim export` on the
three-plant instance: the workbook has no formula cell and shows each text as typed, the CSV files for people put
an apostrophe in front of such text, numbers (negative ones too) stay numbers, and nothing outside the run and
its export changes.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from model.rundir import read_run
from model.textsafe import is_formula_like, neutralise, neutralise_frame, show_controls, text_as_text
from conftest import ONLY_CEMENT, write_yaml

DESCRIPTION = '=HYPERLINK("http://x","y") <script>alert(1)</script>'
#: target labels: formulas, a function call, a leading tab, an Excel error value. (A carriage return is tested on
#: a worksheet below: the run's own CSV tables do not yet quote one, so it cannot travel through a run.)
LABELS = {"NOx": "+1+1", "SO2": "-2+3", "PM": "@SUM(A1)", "VOCs": "\t=3+3", "NH3-N": "#N/A"}
PLANT_NAME = "=1+1"  # T2, chosen in the portfolio
COUNTY_NAME = "-5+5"  # 140311, T1's county
CONTROL_NAME = "测试\x01水泥\x1b[31m"  # characters an xlsx file cannot hold: refused by the dataset's loader
HOSTILE = [DESCRIPTION, *LABELS.values(), PLANT_NAME, COUNTY_NAME]


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its hash: what a command may not change outside its output."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture()
def hostile(tiny: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(dataset, scenario): T2 named '=1+1', T1's county named '-5+5';
    a NOx target that needs all three plants,
    zero targets that carry the other labels, and a soft CO2-intensity row whose percentages are negative."""
    e = pd.read_csv(tiny / "enterprises.csv", dtype=str, keep_default_na=False)
    e.loc[e["enterprise_id"] == "T2", "name_zh"] = PLANT_NAME
    e.to_csv(tiny / "enterprises.csv", index=False)
    r = pd.read_csv(tiny / "regions.csv", dtype=str, keep_default_na=False)
    r.loc[r["region_code"] == "140311", "name_zh"] = COUNTY_NAME
    r.to_csv(tiny / "regions.csv", index=False)
    targets = "".join(f"  - {{pollutant: {p}, reduction: {1000 if p == 'NOx' else 0}, unit: t, "
                      f"label: {json.dumps(lab)}}}\n" for p, lab in LABELS.items())
    text = (f"name: t\ndescription: {json.dumps(DESCRIPTION)}\n{ONLY_CEMENT}"
            f"co2_intensity: {{reduction_pct: 1, kind: soft}}\ntargets:\n{targets}")
    return tiny, write_yaml(tmp_path, text)


def run_and_export(dataset: Path, scenario: Path, tmp_path: Path) -> tuple[Path, Path]:
    out, export = tmp_path / "run", tmp_path / "export"
    before = tree(tmp_path)
    res = CliRunner().invoke(cli.main, ["run", str(scenario), "--inputs", str(dataset), "--out", str(out),
                                        "--no-plots"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli.main, ["export", str(out), "--out", str(export)])
    assert res.exit_code == 0, res.output
    after = tree(tmp_path)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed and all(k.startswith(("run/", "export/")) for k in changed), changed
    return out, export


@pytest.mark.slow
def test_no_text_becomes_a_formula_in_the_workbook_or_the_csv_export(hostile, tmp_path):
    dataset, scenario = hostile
    out, export = run_and_export(dataset, scenario, tmp_path)
    run = read_run(out)
    assert PLANT_NAME in set(run["portfolio"]["enterprise_name"])  # the hostile plant was chosen
    assert COUNTY_NAME in set(run["portfolio"]["county"])

    # the workbook's XML holds no formula at all (read independently of openpyxl)
    book = export / "t.xlsx"
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for n in sheets:
            xml = z.read(n).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, n
    wb = openpyxl.load_workbook(book)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    by_text = {}
    for c in cells:
        if isinstance(c.value, str):
            by_text.setdefault(c.value, []).append(c)
    for text in HOSTILE:  # shown exactly as typed, as text that stays text when edited
        assert text in by_text, repr(text)
        assert all(c.data_type == "s" and c.quotePrefix for c in by_text[text]), repr(text)
    # numbers stay numbers: the CO2-intensity percentages are negative
    negative = [c.value for c in cells if c.data_type == "n" and isinstance(c.value, (int, float)) and c.value < 0]
    assert run["targets"]["intensity_required_pct"].min() < 0
    assert any(abs(v - run["targets"]["intensity_required_pct"].min()) < 1e-3 for v in negative), negative

    # the CSV files for people: an apostrophe before formula-like text, ids and numbers untouched
    port = pd.read_csv(export / "csv" / "portfolio.csv", dtype={"enterprise_id": str, "region_code": str},
                       encoding="utf-8-sig")
    assert set(port.loc[port["enterprise_id"] == "T2", "enterprise_name"]) == {"'" + PLANT_NAME}
    assert set(port.loc[port["region_code"] == "140311", "county"]) == {"'" + COUNTY_NAME}
    assert set(port["enterprise_id"]) == {"T1", "T2", "T3"}
    targets = pd.read_csv(export / "csv" / "targets.csv", encoding="utf-8-sig", keep_default_na=False)
    for label in LABELS.values():
        want = "'" + label if label[0] in "=+-@\t\r" else label  # '#N/A' is no formula: as it is
        assert want in set(targets["target"]), repr(label)
    numbers = pd.read_csv(export / "csv" / "targets.csv", encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(numbers["intensity_required_pct"])
    assert numbers["intensity_required_pct"].min() == pytest.approx(run["targets"]["intensity_required_pct"].min())
    for f in (export / "csv").glob("*.csv"):
        text = f.read_text(encoding="utf-8-sig")
        for bad in ("\n=", ",=", "\n+1", ",+1", ",@", ",-2+3", ",-5+5"):
            assert bad not in text, (f.name, bad)

    # the run's own tables are the machine record: names as in the dataset, read back unchanged (README)
    assert "'" + PLANT_NAME not in (out / "portfolio.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_html_report_and_geojson_escape_names(hostile, tmp_path):
    dataset, scenario = hostile
    out, export = run_and_export(dataset, scenario, tmp_path)
    res = CliRunner().invoke(cli.main, ["report", str(out)])
    assert res.exit_code == 0, res.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in page
    geo = json.loads((export / "t_counties.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["region_code"] for f in geo["features"]} >= {"140311", "140322", "141002"}


@pytest.mark.slow
def test_check_inputs_csv_neutralises_dataset_names(inputs_copy, tmp_path):
    r = pd.read_csv(inputs_copy / "regions.csv", dtype=str, keep_default_na=False)
    r.loc[r["region_code"] == "141000", "name_zh"] = "=2+2"
    r.to_csv(inputs_copy / "regions.csv", index=False)
    before = tree(inputs_copy)
    res = CliRunner().invoke(cli.main, ["check-inputs", "--inputs", str(inputs_copy), "--csv", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    base = pd.read_csv(tmp_path / "b" / "baseline.csv", dtype=str, encoding="utf-8-sig")
    assert set(base.loc[base["region_code"] == "141000", "region"]) == {"'=2+2"}
    assert tree(inputs_copy) == before


@pytest.mark.parametrize("text, formula", [
    ("=1+1", True), ("+1+1", True), ("-2+3", True), ("@SUM(A1)", True), ("\t=1", True), ("\r=1", True),
    ('=cmd|" /C calc"!A0', True), ("-", True),
    ("-5", False), ("+1.5e3", False), ("-0.25", False), ("临汾市", False), ("a=1", False), ("", False)])
def test_formula_like_text(text, formula):
    assert is_formula_like(text) is formula
    assert neutralise(text) == ("'" + text if formula else text)


def test_neutralise_frame_touches_text_columns_only():
    df = pd.DataFrame({"name": ["=1+1", "ok", None], "n": [-1.5, 2.0, -3.0], "i": [-1, 2, 3], "b": [True, False, True],
                       "mixed": ["-2+3", 5, float("nan")]})
    out = neutralise_frame(df)
    assert out["name"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["name"].iloc[2])
    assert out["n"].tolist() == [-1.5, 2.0, -3.0] and out["n"].dtype == float
    assert out["i"].tolist() == [-1, 2, 3] and out["b"].tolist() == [True, False, True]
    assert out["mixed"].iloc[0] == "'-2+3" and out["mixed"].iloc[1] == 5
    assert df["name"].iloc[0] == "=1+1"  # a copy: the caller's frame is unchanged


def test_text_as_text_on_a_worksheet(tmp_path):
    """Straight on openpyxl: formula-like text (a carriage return too) and an error value become plain text with
    the quote prefix; other text and numbers, negative ones included, are left as they are."""
    wb = openpyxl.Workbook()
    ws = wb.active
    values = ["=1+1", "\r=4+4", "#N/A", "-2+3", "临汾市", -5, -0.5, 3]
    for i, v in enumerate(values, start=1):
        ws.cell(row=i, column=1, value=v)
    assert ws["A1"].data_type == "f" and ws["A3"].data_type == "e"  # what openpyxl does on its own
    assert text_as_text(ws) == 4
    wb.save(tmp_path / "t.xlsx")
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    got = [(c.value, c.data_type, bool(c.quotePrefix)) for c in back["A"]]
    assert got[0] == ("=1+1", "s", True) and got[2] == ("#N/A", "s", True) and got[3] == ("-2+3", "s", True)
    assert got[1][0].lstrip("\r\n") == "=4+4" and got[1][1:] == ("s", True)  # XML reads a CR back as a line end
    assert got[4] == ("临汾市", "s", False)
    assert got[5:] == [(-5, "n", False), (-0.5, "n", False), (3, "n", False)]


def test_show_controls():
    assert show_controls("a\x1b[2Jb\x07\r\x9b\x7f\tc\nd") == "a\\x1b[2Jb\\x07\\x0d\\x9b\\x7f\tc\nd"
    assert show_controls("a\x01\x1b\r\t\n\x9b", workbook=True) == "a\\x01\\x1b\r\t\n\x9b"  # XML holds CR and C1
    assert show_controls("山西 [bold]") == "山西 [bold]"


def test_control_characters_in_a_dataset_are_refused_where_they_are(tiny):
    """A name with control characters never reaches a run (a CR would split a row of its tables, ESC would act on
    the terminal): the loader names the cell. The workbook still writes any it meets out (show_controls, above)."""
    e = pd.read_csv(tiny / "enterprises.csv", dtype=str, keep_default_na=False)
    e.loc[e["enterprise_id"] == "T3", "name_zh"] = CONTROL_NAME
    e.to_csv(tiny / "enterprises.csv", index=False)
    before = tree(tiny)
    res = CliRunner().invoke(cli.main, ["check-inputs", "--inputs", str(tiny)])
    assert res.exit_code == 2 and "\x1b" not in res.output, res.output
    assert "enterprises.csv, line 4, column 'name_zh': holds the control character U+0001" in res.output
    assert tree(tiny) == before
