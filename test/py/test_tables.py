import pyarrow as pa
import pytest

from plateau.tables import arrow_schema, build_table, from_ipc, to_ipc


def test_layout_comes_from_schemas_json():
    s = arrow_schema("epochs")
    assert s.names == ["epoch", "train_loss", "val_loss", "val_dice", "seconds"]
    assert s.field("epoch").type == pa.int32()


def test_round_trip():
    rows = [{"epoch": 1, "train_loss": 0.5, "val_loss": 0.4, "val_dice": 0.6, "seconds": 1.0}]
    assert from_ipc(to_ipc(build_table("epochs", rows))).to_pylist() == rows


def test_missing_or_extra_column_is_named():
    with pytest.raises(ValueError, match=r"missing \['seconds'\]"):
        build_table("epochs", [{"epoch": 1, "train_loss": 0.5, "val_loss": 0.4, "val_dice": 0.6}])
    with pytest.raises(ValueError, match=r"extra \['x'\]"):
        build_table("epochs", [{"epoch": 1, "train_loss": 0.5, "val_loss": 0.4, "val_dice": 0.6, "seconds": 1.0, "x": 1}])
