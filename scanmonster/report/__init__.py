"""The outputs of a local scan: ASFF JSON, CSV and one self-contained HTML report.

Every writer reads the same `scanmonster.scan.model.ScanReport`; the `report` command can
rebuild that report from ASFF JSON (`asff.from_asff`) and render it again.
"""

from scanmonster.report.asff import from_asff, to_asff
from scanmonster.report.csv import to_csv, write_csv
from scanmonster.report.html import render_html

__all__ = ["from_asff", "render_html", "to_asff", "to_csv", "write_csv"]
