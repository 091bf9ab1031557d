"""A planner's own plant list (model/plant_list.py): it replaces the default plants of its sectors in its cities,
from the command line (--plants) and from the scenario key plants:; a bad file is refused with its row and column
and nothing is written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT
from model.inputs import InputDataError
from model.plant_list import COLUMNS, TEMPLATE, read_plant_list, replace_plants
from model.resolve import resolve
from model.scenario import ScenarioError, load_scenario

GOOD = Path(__file__).parent / "data" / "plant_list_linfen_steel.csv"
LINFEN = "141000"


def city_sector(ds, city: str, sector: str) -> pd.DataFrame:
    e = ds.enterprises
    return e[(e["county_code"].map(ds.regions["city_code"]) == city) & (e["sector"] == sector)]


def test_the_template_has_the_columns_the_reader_checks():
    assert TEMPLATE.read_text(encoding="utf-8").strip() == ",".join(c.name for c in COLUMNS)


def test_a_list_replaces_its_sectors_in_its_cities_only(ds):
    """Two Linfen steel plants replace Linfen's 8 steel rows (the tracker's 7 plants and the pellet remainder,
    19 Mt/yr); other cities' steel and Linfen's other sectors stay as they were."""
    new, rep = replace_plants(ds, GOOD)
    assert len(city_sector(ds, LINFEN, "steel")) == 8 and city_sector(ds, LINFEN, "steel")["capacity"].sum() == 19e6
    got = city_sector(new, LINFEN, "steel")
    tag = hashlib.sha256(GOOD.read_bytes()).hexdigest()[:6]  # ids: U<the file's hash>-<row>
    u1, u2 = f"U{tag}-0001", f"U{tag}-0002"
    assert list(got.index) == [u1, u2] and got["capacity"].sum() == 4e6
    assert (got["plant_identity"] == "named").all() and (got["blocks"] == 1).all()
    assert got.loc[u1, "tracker_id"] == "91141000TEST0001" and got.loc[u1, "county_code"] == "141023"
    assert got.loc[u2, "county_code"] == "141002"  # '临汾市 尧都区'
    assert got.loc[u2, "process"] == "sinter+pellet+bf+converter"  # left empty: the sector's commonest
    assert got.loc[u2, "coord_source"].startswith("county centroid")  # no coordinates given: inside 尧都区
    assert 35.9 < got.loc[u2, "latitude"] < 36.3 and 111.3 < got.loc[u2, "longitude"] < 111.8
    assert len(new.enterprises) == len(ds.enterprises) - 8 + 2
    others = ds.enterprises.index.difference(city_sector(ds, LINFEN, "steel").index)
    pd.testing.assert_frame_equal(new.enterprises.loc[others], ds.enterprises.loc[others])
    row = rep.table.iloc[0]
    assert (row["city"], row["sector"], row["default_rows"], row["list_rows"]) == ("临汾市", "steel", 8, 2)
    assert rep.projects_dropped == []


def test_an_xlsx_list_reads_as_the_csv(ds, tmp_path):
    path = tmp_path / "register.xlsx"
    pd.read_csv(GOOD, dtype=str, keep_default_na=False).to_excel(path, index=False)
    named = ["enterprise_id", "source", "coord_source"]  # they name the file (the ids carry its hash)
    pd.testing.assert_frame_equal(read_plant_list(path, ds).drop(columns=named).reset_index(drop=True),
                                  read_plant_list(GOOD, ds).drop(columns=named).reset_index(drop=True))


def test_seed_projects_at_replaced_plants_are_dropped_and_named(ds, tmp_path):
    """Linfen's power plants carry three seed waste-heat projects (003:L310); a list of Linfen power units
    replaces the plants and drops those projects, saying which."""
    good = pd.read_csv(GOOD, dtype=str, keep_default_na=False).iloc[:1].copy()
    good.update({"sector": ["power"], "process": ["coal_pc"], "capacity": ["600"], "capacity_unit": ["MW"],
                 "output": ["2580000"], "output_unit": ["MWh"]})
    path = tmp_path / "power.csv"
    good.to_csv(path, index=False)
    _, rep = replace_plants(ds, path)
    assert len(rep.projects_dropped) == 3 and all("余热" in p for p in rep.projects_dropped)


@pytest.mark.slow
def test_run_with_plants_prints_what_it_replaced_and_records_the_file(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(cli.main, ["run", str(ROOT / "scenarios" / "linfen.yaml"), "--plants", str(GOOD),
                                        "--out", str(out), "--no-plots"])
    assert res.exit_code == 0, res.output
    assert "plant list plant_list_linfen_steel.csv" in res.output and "19,000,000" in res.output
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["plant_list"]["file"] == str(GOOD.resolve()) and len(man["plant_list"]["sha256"]) == 64
    port = pd.read_csv(out / "portfolio.csv", dtype=str)
    steel = port[port["enterprise_id"].str.startswith("U", na=False)]
    assert steel["enterprise_id"].str.fullmatch(r"U[0-9a-f]{6}-000[12]").all()
    assert not port["enterprise_name"].fillna("").str.contains("山西建邦|晋南钢铁").any()  # replaced plants


def test_the_scenario_key_is_relative_to_the_file_that_sets_it(ds, tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "steel.csv").write_bytes(GOOD.read_bytes())
    sc = tmp_path / "mine.yaml"
    sc.write_text(f"extends: {ROOT / 'scenarios' / 'linfen.yaml'}\nplants: lists/steel.csv\n", encoding="utf-8")
    loaded = load_scenario(sc)
    assert loaded.plant_list_path() == tmp_path / "lists" / "steel.csv"
    md = resolve(ds, loaded)
    ids = city_sector(md.dataset, LINFEN, "steel").index
    assert md.plant_list is not None and len(ids) == 2 and ids.str.fullmatch(r"U[0-9a-f]{6}-000[12]").all()


def _bad(tmp_path: Path, edit) -> Path:
    df = pd.read_csv(GOOD, dtype=str, keep_default_na=False)
    df = edit(df)
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    return path


def _set(col, value, row=0):
    def edit(df):
        df.loc[row, col] = value
        return df
    return edit


BAD = {
    "negative capacity": (_set("capacity", "-3000000"), "line 2, column 'capacity': -3e+06 is negative"),
    "nan emission": (_set("nox_t", "nan"), "line 2, column 'nox_t': 'nan' is not a number"),
    "empty emission": (_set("so2_t", "", 1), "line 3, column 'so2_t'"),
    "unknown county": (_set("county", "襄汾"), "line 2, column 'county': '襄汾' is not a Shanxi county code or name "
                                              "(did you mean '襄汾县'?)"),
    "ambiguous county": (_set("county", "城区", 1), "line 3, column 'county': '城区' is the name of 2 counties"),
    "wrong unit": (_set("capacity_unit", "t_per_day"), "differs from 't_per_yr', the unit the steel measures"),
    "unknown sector": (_set("sector", "steal"), "line 2, column 'sector'"),
    "renamed column": (lambda df: df.rename(columns={"nox_t": "nox"}), "unknown column 'nox' (did you mean 'nox_t'?)"),
    "no rows": (lambda df: df.iloc[:0], "has no plant rows below its header"),
    "control character": (_set("name_zh", "测试\x1b[2J"), "line 2, column 'name_zh'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_list_names_the_row_and_column_and_writes_nothing(case, ds, tmp_path):
    edit, message = BAD[case]
    path = _bad(tmp_path, edit)
    with pytest.raises(InputDataError, match=None) as err:
        read_plant_list(path, ds)
    assert message in str(err.value)
    out = tmp_path / "run"
    res = CliRunner().invoke(cli.main, ["run", str(ROOT / "scenarios" / "linfen.yaml"), "--plants", str(path),
                                        "--out", str(out), "--no-plots"])
    assert res.exit_code == 2 and message in res.output and "bad.csv" in res.output
    assert not out.exists()


def test_a_list_that_is_no_file_is_refused(ds, tmp_path):
    for path, why in ((tmp_path, "is a directory"), (Path("/dev/zero"), "not a regular file"),
                      (tmp_path / "none.csv", "cannot be read")):
        with pytest.raises(InputDataError, match=why):
            read_plant_list(path, ds)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(InputDataError, match="is not a readable .xlsx workbook"):
        read_plant_list(broken, ds)


def test_a_bad_scenario_key_points_at_its_line(ds, tmp_path):
    sc = tmp_path / "mine.yaml"
    sc.write_text(f"extends: {ROOT / 'scenarios' / 'linfen.yaml'}\nplants: missing.csv\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"mine.yaml:2:\d+: plants: .*missing.csv"):
        resolve(ds, load_scenario(sc))
