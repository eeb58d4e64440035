"""Files rolediff writes (reports, charts, a résumé's text): whole or not at all, never over
something that is not a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rolediff.charts import no_data_chart, save_chart
from rolediff.errors import RolediffError, check_output_file, write_atomically


def test_a_pipe_or_device_is_refused_not_replaced(tmp_path: Path) -> None:
    """Renaming a finished file over /dev/full (as root) had replaced the device with a file."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(RolediffError, match="is not a regular file; name a file to save"):
        check_output_file(pipe, "save the chart to")
    with pytest.raises(RolediffError, match="it is not a regular file"):
        write_atomically(pipe, "text")
    with pytest.raises(RolediffError, match="is not a regular file"):
        save_chart(no_data_chart("Nothing"), _linked(pipe))
    assert pipe.exists() and not pipe.is_file()


def _linked(target: Path) -> Path:
    link = target.with_name("chart.svg")
    link.symlink_to(target)
    return link


def test_a_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "report.md"
    link.symlink_to(real)
    write_atomically(link, "new\n")
    assert link.is_symlink() and real.read_text() == "new\n"


def test_charts_are_written_whole_as_text_or_bytes(tmp_path: Path) -> None:
    svg = save_chart(no_data_chart("Nothing"), tmp_path / "c.svg")
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    png = save_chart(no_data_chart("Nothing"), tmp_path / "c.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png", "c.svg"]  # no temporary left
