import json
import os

import numpy as np
import pytest
from fixtures_data import garbage, image_folder, image_folder_spec
from PIL import Image

from plateau.data import DataError, source
from plateau.data.check import check_dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_kvasir_layout_loads_resized_rgb_and_binary_masks(tmp_path):
    truth = image_folder(tmp_path / "kvasir")
    spec = image_folder_spec(tmp_path / "kvasir")  # size [16, 12]: height 16, width 12
    src = source(spec)
    cases = src.cases(spec)
    assert [c.id for c in cases] == sorted(truth) and [c.patient for c in cases] == [c.id for c in cases]
    for k, case in enumerate(cases):
        image, mask = src.load(spec, case)
        assert image.shape == (3, 16, 12) and mask.shape == (1, 16, 12)
        assert image.dtype == np.float32 and mask.dtype == np.float32
        colour = np.array(truth[case.id][0], np.float32) / 255
        np.testing.assert_allclose(image.mean(axis=(1, 2)), colour, atol=3 / 255)
        assert set(np.unique(mask)) <= {0.0, 1.0}
        # 24 columns -> 12: the left 2(k+2) white columns become the left k+2.
        expected = np.zeros((16, 12), np.float32)
        expected[:, : k + 2] = 1
        np.testing.assert_array_equal(mask[0], expected)


def test_lossless_at_original_size_is_exact(tmp_path):
    truth = image_folder(tmp_path / "png", image_ext="png", mask_ext="png")
    spec = image_folder_spec(tmp_path / "png", size=[20, 24])
    src = source(spec)
    for case in src.cases(spec):
        image, mask = src.load(spec, case)
        colour, grey = truth[case.id]
        np.testing.assert_array_equal(image, np.broadcast_to(np.array(colour, np.float32)[:, None, None] / 255,
                                                              (3, 20, 24)))
        np.testing.assert_array_equal(mask[0], (grey > 127).astype(np.float32))


def test_grey_channel_is_luminance(tmp_path):
    truth = image_folder(tmp_path / "d", image_ext="png", mask_ext="png")
    spec = image_folder_spec(tmp_path / "d", channels=1)
    src = source(spec)
    for case in src.cases(spec):
        image, _ = src.load(spec, case)
        r, g, b = truth[case.id][0]
        assert image.shape == (1, 16, 12)
        np.testing.assert_allclose(image, (0.299 * r + 0.587 * g + 0.114 * b) / 255, atol=1 / 255)


def test_masks_match_by_stem_across_formats(tmp_path):
    image_folder(tmp_path / "d", image_ext="jpg", mask_ext="png")
    spec = image_folder_spec(tmp_path / "d")
    cases = source(spec).cases(spec)
    assert [(os.path.basename(c.images[0]), os.path.basename(c.mask)) for c in cases] == [
        ("a.jpg", "a.png"), ("b.jpg", "b.png"), ("c.jpg", "c.png")]


def test_patient_regex_groups_cases(tmp_path):
    image_folder(tmp_path / "d", stems=("p01_a", "p01_b", "p02_a", "p03_x"))
    spec = image_folder_spec(tmp_path / "d", patient_regex=r"^(p\d+)_")
    cases = source(spec).cases(spec)
    assert [c.patient for c in cases] == ["p01", "p01", "p02", "p03"]
    assert check_dataset(spec)["patients"] == 3


def test_case_outside_patient_regex_is_reported(tmp_path):
    image_folder(tmp_path / "d", stems=("p01_a", "stray"))
    spec = image_folder_spec(tmp_path / "d", patient_regex=r"^(p\d+)_")
    with pytest.raises(DataError) as err:
        source(spec).cases(spec)
    assert err.value.problems == [(str(tmp_path / "d" / "masks" / "stray.jpg"),
                                   "case id 'stray' does not match patient_regex '^(p\\\\d+)_'")]


def test_patient_regex_in_javascript_syntax_only_is_reported(tmp_path):
    image_folder(tmp_path / "d")
    spec = image_folder_spec(tmp_path / "d", patient_regex=r"^(?<p>\w)")  # JS named group
    with pytest.raises(DataError, match="is not a Python regex"):
        source(spec).cases(spec)


def test_every_bad_case_is_listed_by_path(tmp_path):
    root = tmp_path / "bad"
    image_folder(root, stems=("a", "b", "c", "d", "e", "f"), image_ext="png", mask_ext="png")
    (root / "masks" / "b.png").unlink()  # image without mask
    Image.new("L", (24, 20)).save(root / "masks" / "z.png")  # mask without image
    Image.new("L", (10, 10)).save(root / "masks" / "c.png")  # shape mismatch
    garbage(root / "images" / "d.png")  # does not open
    label_map = np.zeros((20, 24), np.uint8)
    label_map[:5] = 1
    Image.fromarray(label_map).save(root / "masks" / "e.png")  # a 0/1 label map under threshold 127
    spec = image_folder_spec(root)
    with pytest.raises(DataError) as err:
        check_dataset(spec)
    problems = dict(err.value.problems)
    assert sorted(problems) == sorted(str(root / p) for p in
                                      ("images/b.png", "masks/z.png", "masks/c.png", "images/d.png", "masks/e.png"))
    assert problems[str(root / "images/b.png")] == "image without mask"
    assert problems[str(root / "masks/z.png")] == "mask without image"
    assert problems[str(root / "masks/c.png")] == "mask is 10x10 but image is 20x24"
    assert problems[str(root / "images/d.png")].startswith("does not open")
    assert "mask_threshold 127" in problems[str(root / "masks/e.png")]
    for path in problems:  # the message itself names every path
        assert path in str(err.value)
    # The listing alone reports the structural problems, and the per-case check the others.
    with pytest.raises(DataError) as listing:
        source(spec).cases(spec)
    assert sorted(p for p, _ in listing.value.problems) == [str(root / "images/b.png"), str(root / "masks/z.png")]


def test_summary_and_cache(tmp_path, cache):
    root = tmp_path / "d"
    image_folder(root, stems=("a", "b"), size=(20, 24), image_ext="png", mask_ext="png")
    image_folder(root, stems=("x",), size=(30, 18), image_ext="png", mask_ext="png")
    spec = image_folder_spec(root)
    summary = check_dataset(spec)
    # Foreground after resizing to 12 wide: a 2/12, b 3/12; x (18 wide) resized here as a reference.
    x_mask = np.asarray(Image.fromarray((np.asarray(Image.open(root / "masks/x.png").convert("L")) > 127)
                                        .astype(np.uint8)).resize((12, 16), Image.Resampling.NEAREST))
    expected_fraction = np.mean([2 / 12, 3 / 12, x_mask.mean()])
    assert summary == {"kind": "image-folder", "root": str(root), "cases": 3, "patients": 3, "channels": 3,
                       "spatial_dims": 2, "shape": [3, 16, 12], "sizes": {"min": [20, 18], "max": [30, 24]},
                       "foreground_fraction": pytest.approx(expected_fraction), "empty_masks": 0, "problems": []}
    files = list(cache.iterdir())
    assert len(files) == 1 and json.loads(files[0].read_text())["cases"] == 3

    # Same size and mtime: the cached summary comes back without reading the (now broken) image.
    image = root / "images" / "a.png"
    stat = image.stat()
    image.write_bytes(b"\xff" * stat.st_size)
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert check_dataset(spec) == summary and list(cache.iterdir()) == files

    # A new mtime changes the key: the file is read again and found broken.
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.raises(DataError, match="a.png: does not open"):
        check_dataset(spec)
    assert len(list(cache.iterdir())) == 2


@pytest.mark.parametrize("gone", ["images", "masks"])
def test_a_missing_images_or_masks_folder_is_one_error_naming_it(tmp_path, gone):
    """It was counted as a bad case ("1 bad case(s)\\n  - .../masks: folder not found")."""
    import shutil

    root = tmp_path / "kvasir"
    image_folder(root, image_ext="png", mask_ext="png")
    shutil.rmtree(root / gone)
    spec = image_folder_spec(root)
    for attempt in (lambda: check_dataset(spec), lambda: source(spec).cases(spec)):
        with pytest.raises(DataError) as err:
            attempt()
        assert str(err.value) == f"{root}: its {gone} folder {root / gone} is missing (dataset.{gone}: {gone})"
    (root / gone).write_text("not a folder")
    with pytest.raises(DataError, match=f"its {gone} folder {root / gone} is a file, not a folder"):
        check_dataset(spec)


def test_a_3d_stack_in_a_2d_folder_is_a_bad_case_naming_it(tmp_path):
    """A multi-page TIFF (a volume saved slice by slice) passed, and trained as its first slice only."""
    root = tmp_path / "d"
    image_folder(root, stems=("a", "b", "c"), image_ext="png", mask_ext="png")
    slices = [Image.new("RGB", (24, 20), (10 * k, 0, 0)) for k in range(4)]
    (root / "images" / "b.png").unlink()
    slices[0].save(root / "images" / "b.tif", save_all=True, append_images=slices[1:])
    with pytest.raises(DataError) as err:
        check_dataset(image_folder_spec(root))
    assert err.value.problems == [(str(root / "images" / "b.tif"), "holds 4 frames (a 3D stack or an animation), "
                                                                     "but an image folder takes 2D images, one a file")]
