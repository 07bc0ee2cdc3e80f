"""The in-process calls (plateau.bridge, through pythonia) held to schemas/bridge.json on this side:
each argument is checked before the call, and each answer, real data in, matches its schema."""

import json

import jsonschema
import pytest

from jobs import tiny_job
from plateau import bridge
from plateau.schemas import SchemaError, load

CALLS = load("bridge.json")["calls"]


def call(fn: str, arg: object) -> dict:
    out = json.loads(getattr(bridge, fn)(json.dumps(arg)))
    if "error" not in out:
        jsonschema.validate(out, CALLS[fn]["answer"])
    return out


def test_every_call_in_the_contract_is_a_bridge_function():
    assert sorted(CALLS) == sorted(n for n in ("check_dataset", "check_targets", "check_run", "model_costs") if callable(getattr(bridge, n)))


def test_answers_match_the_contract(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path))
    job = tiny_job()
    summary = call("check_dataset", {"dataset": job["dataset"]})
    assert summary["cases"] == 24 and summary["shape"] == [1, 32, 32] and summary["problems"] == []
    assert call("check_targets", {"models[0]": {"_target_": "monai.networks.nets.UNet", "no_such_argument": 1}})["problems"]
    assert call("check_run", {"targets": {}, "jobs": [{"field": "models[0]", "job": job}]}) == {"problems": []}
    costs = call("model_costs", {"dataset": job["dataset"], "models": [job["model"]], "threads": 1, "runs": 2})
    assert [m["model"] for m in costs["models"]] == ["resunet-d2"] and costs["input_shape"] == [1, 32, 32]


def test_an_argument_outside_the_contract_is_raised_not_answered_as_the_users_error():
    # a bare data set spec (what check_dataset once took) names the field the contract wants
    with pytest.raises(SchemaError, match=r"plateau\.bridge\.check_dataset argument does not match the schema:\n  - \(top level\): 'dataset' is a required property"):
        bridge.check_dataset(json.dumps(tiny_job()["dataset"]))
    with pytest.raises(SchemaError, match=r"jobs\.0\.job"):
        bridge.check_run(json.dumps({"targets": {}, "jobs": [{"field": "models[0]", "job": {"key": 1}}]}))
