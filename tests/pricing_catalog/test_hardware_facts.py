"""Hardware facts are keyed by (provider, type) and name their accelerators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pricing_catalog import load_catalog
from pricing_catalog.datafile import format_data_file
from pricing_catalog.errors import CatalogError


def _row(itype: str, count: int = 0, model: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"instance_type": itype, "vcpu": 8, "memory_gib": "32", "gpu_count": count,
            "gpu_model": model, "gpu_memory_gb": "16" if count else None, **extra,
            "source": "T"}


def _write(root: Path, provider: str, rows: list[dict[str, Any]]) -> None:
    folder = root / provider
    folder.mkdir(exist_ok=True)
    doc = {"schema_version": 1, "provider": provider, "service": "instances",
           "sources": {"T": {"title": "t", "location": "test", "as_of": "2026-01-01",
                             "licence": "test"}},
           "instances": rows}
    (folder / "instances.json").write_text(format_data_file(doc))


def test_providers_are_kept_apart_and_accelerators_named(tmp_path: Path) -> None:
    _write(tmp_path, "aws", [_row("m.large"), _row("g.xlarge", 1, "NVIDIA L4")])
    _write(tmp_path, "toy", [_row("g.xlarge", 4, "TPU v5e", accelerator_kind="tpu",
                                  accelerator_vendor="Google", accelerator_label="v5e")])
    catalog = load_catalog(data_dir=tmp_path)
    aws, toy = catalog.instance("aws", "g.xlarge"), catalog.instance("toy", "g.xlarge")
    assert (aws.gpu_count, aws.accelerator_kind, aws.accelerator_vendor, aws.accelerator_label) \
        == (1, "gpu", "NVIDIA", "L4")  # from the model's vendor prefix
    assert (toy.gpu_count, toy.accelerator_kind, toy.accelerator_label) == (4, "tpu", "v5e")
    assert catalog.instance("toy", "m.large") is None
    assert catalog.instance_types("toy") == ("g.xlarge",)
    assert catalog.accelerator_label("TPU v5e") == "v5e"
    assert catalog.accelerator_label("NVIDIA H200") == "H200"  # no row: the vendor prefix


@pytest.mark.parametrize("row, message", [
    (_row("a.large", 0, "NVIDIA L4"), "gpu_model is set but gpu_count is 0"),
    (_row("a.large", 0, None, accelerator_kind="gpu"), "accelerator_kind is set but gpu_count is 0"),
    (_row("a.large", 2, None), "gpu_count 2 needs gpu_model"),
    (_row("a.large", 2, "Acme X1"), "accelerator_kind not set, and 'Acme X1' starts with no known"),
])
def test_an_inconsistent_hardware_row_is_a_clear_error(tmp_path: Path, row: dict[str, Any],
                                                        message: str) -> None:
    _write(tmp_path, "toy", [row])
    with pytest.raises(CatalogError) as err:
        load_catalog(data_dir=tmp_path)
    assert message in str(err.value) and "instances[0]" in str(err.value)
    assert "\n" not in str(err.value)
