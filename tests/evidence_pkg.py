"""Build a small, valid evidence package (datapackage.json + CSVs) in a folder.

The rows are copied from the public record (rows 2, 24, 25, 26, 29, 30, 35, 39 and the July
2021 PrK readings #19-#20) so the loader and the cleaning can be tested without the real
``data/`` folder. Used by the evidence tests only.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from prkanalysis import config
from prkanalysis.record import file_sha256

S = {"name": "source_ids", "type": "string", "constraints": {"required": True}}

SCHEMAS: dict[str, dict] = {
    "sources": {
        "fields": [
            {"name": "source_id", "type": "string", "constraints": {"pattern": "S[0-9]{2,3}"}},
            {"name": "title", "type": "string"},
            {"name": "publisher", "type": "string"},
            {"name": "url", "type": "string", "constraints": {"required": True}},
            {"name": "published", "type": "date"},
            {"name": "grade", "type": "string",
             "constraints": {"required": True, "enum": ["P", "T", "A"]}},
        ],
        "primaryKey": ["source_id"],
    },
    "leak_rates": {
        "fields": [
            {"name": "rate_id", "type": "string"},
            {"name": "record_ref", "type": "string"},
            {"name": "period_reported", "type": "string"},
            {"name": "period_start", "type": "date"},
            {"name": "period_end", "type": "date"},
            {"name": "period_precision", "type": "string", "constraints": {"required": True,
             "enum": ["day", "week", "month", "season", "year", "range", "before", "unknown"]}},
            {"name": "reported_on", "type": "date"},
            {"name": "value_reported", "type": "string"},
            {"name": "qualifier", "type": "string", "constraints": {"required": True,
             "enum": ["=", "<", ">", "~", "~>", "~<", "range"]}},
            {"name": "value", "type": "number", "constraints": {"required": True, "minimum": 0}},
            {"name": "value_high", "type": "number", "constraints": {"minimum": 0}},
            {"name": "unit_reported", "type": "string"},
            {"name": "unit", "type": "string", "constraints": {"required": True}},
            {"name": "derived", "type": "boolean", "constraints": {"required": True}},
            S,
            {"name": "duplicate_of", "type": "string"},
        ],
        "primaryKey": ["rate_id"],
        "foreignKeys": [{"fields": ["duplicate_of"],
                         "reference": {"resource": "", "fields": ["rate_id"]}}],
    },
    "pressure_readings": {
        "fields": [
            {"name": "reading_id", "type": "string"},
            {"name": "episode_id", "type": "string", "constraints": {"required": True}},
            {"name": "seq", "type": "integer", "constraints": {"required": True, "minimum": 1}},
            {"name": "time", "type": "string"},
            {"name": "time_precision", "type": "string"},
            {"name": "elapsed_h", "type": "number"},
            {"name": "elapsed_low_h", "type": "number"},
            {"name": "elapsed_high_h", "type": "number"},
            {"name": "pressure_mmhg", "type": "number",
             "constraints": {"required": True, "minimum": 0}},
            {"name": "qualifier", "type": "string", "constraints": {"enum": ["=", "~"]}},
            {"name": "kind", "type": "string",
             "constraints": {"required": True, "enum": ["reading", "target", "held"]}},
            S,
        ],
        "primaryKey": ["reading_id"],
    },
    "events": {
        "fields": [
            {"name": "event_id", "type": "string"},
            {"name": "date_start", "type": "date", "constraints": {"required": True}},
            {"name": "date_end", "type": "date"},
            {"name": "date_precision", "type": "string"},
            {"name": "category", "type": "string", "constraints": {"required": True}},
            {"name": "summary", "type": "string"},
            S,
        ],
        "primaryKey": ["event_id"],
    },
    "constants": {
        "fields": [
            {"name": "constant_id", "type": "string"},
            {"name": "name", "type": "string"},
            {"name": "value", "type": "number"},
            {"name": "value_low", "type": "number"},
            {"name": "value_high", "type": "number"},
            {"name": "unit", "type": "string"},
            S,
        ],
        "primaryKey": ["constant_id"],
    },
}

ROWS: dict[str, list[list[str]]] = {
    "sources": [
        ["S01", "Five times more air now leaking", "UrduPoint (Sputnik)",
         "https://www.urdupoint.com/en/world/five-times-more-air-now-leaking-from-internat-1041298.html",
         "2020-09-28", "T"],
        ["S02", "NASA confirms space station cracking", "Ars Technica",
         "https://arstechnica.com/space/2024/09/nasa-confirms-space-station-cracking-a-highest-risk-and-consequence-problem/",
         "2024-09-26", "T"],
        ["S03", "Leak in ISS Russian segment increases", "SpacePolicyOnline",
         "https://spacepolicyonline.com/news/leak-in-iss-russian-segment-increases-but-not-an-immediate-concern/",
         "2024-02-29", "T"],
        ["S04", "NASA cites progress in reducing ISS air leak", "vuink (SpaceNews mirror)",
         "https://vuink.com/post/fcnprarjf-d-dpbz/nasa-cites-progress-in-reducing-iss-air-leak",
         "2024-09-27", "T"],
        ["S05", "GraphicNews ISS leak", "GraphicNews",
         "https://www.graphicnews.com/en/pages/46368/fdaaa-tsrb-alhoaaa-fy-mht-alfdaaa-aldoly",
         "2024-10-09", "A"],
        ["S06", "Will aging leaking space station", "justpatriots",
         "https://justpatriots.com/will-aging-leaking-space-station-have-a-catastrophe-nasa-is-worried/",
         "", "A"],
        ["S07", "Roscosmos reports a pressure drop", "followthistrendingworld",
         "https://www.followthistrendingworld.com/post/roscosmos-reports-a-pressure-drop-in-the-russian-iss-module-zvezd%C3%A1",
         "2021-07-31", "A"],
        ["S08", "Russian space agency to raise pressure", "Pakistan Point (Sputnik)",
         "https://www.pakistanpoint.com/en/story/1315204/russian-space-agency-to-raise-pressure-in-iss-zvezda-mo.html",
         "2021-07-31", "T"],
        ["S09", "ISS module acceptance leak testing (Underwood & Holt)", "zhixidata",
         "https://www.zhixidata.com/details/1/913632992", "", "T"],
    ],
    "leak_rates": [
        ["LR01", "2", "Sept 2019", "2019-09-01", "2019-09-30", "month", "2020-09-28", "270",
         "=", "270", "", "grams per 24 h", "g/day", "false", "S01", ""],
        ["LR02", "24", "Before the Feb 2024 increase", "", "2024-01-31", "before", "2024-09-26",
         "less than 1", "<", "1", "", "lb/day", "lb/day", "false", "S02", ""],
        ["LR03", "25", "Feb 2024", "2024-02-01", "2024-02-29", "month", "2024-02-29",
         "a little over 2", "~>", "2", "", "lb/day", "lb/day", "false", "S03", ""],
        ["LR04", "26", "Feb 2024", "2024-02-01", "2024-02-29", "month", "2024-09-26", "2.4",
         "=", "2.4", "", "lb/day", "lb/day", "false", "S02", ""],
        ["LR05", "29", "Apr 2024", "2024-04-01", "2024-04-30", "month", "2024-09-26", "3.7",
         "=", "3.7", "", "lb/day", "lb/day", "false", "S02;S04", ""],
        ["LR06", "30", "Apr 2024", "2024-04-01", "2024-04-30", "month", "2024-09-27",
         "nearly 1.7", "~<", "1.7", "", "kg/day", "kg/day", "false", "S04", "LR05"],
        ["LR07", "35", "Sept 2024", "2024-09-01", "2024-09-30", "month", "2024-10-09",
         "about 1.13", "~", "1.13", "", "kg air/day", "kg/day", "true", "S05", ""],
        ["LR08", "39", "Nov 2024", "2024-11-01", "2024-11-30", "month", "", "2 to 2.5",
         "range", "2", "2.5", "lb/day", "lb/day", "false", "S06", ""],
    ],
    "pressure_readings": [
        ["PR01", "E2021-07", "1", "2021-07-14", "day", "0", "0", "0", "473", "473", "=",
         "reading", "S07"],
        ["PR02", "E2021-07", "2", "2021-07-20", "day", "144", "120", "168", "273", "273", "=",
         "reading", "S07"],
        ["PR03", "E2021-07", "3", "2021-07-25", "day", "264", "240", "288", "200", "200", "=",
         "reading", "S07"],
        ["PR04", "E2021-07", "4", "2021-07-29", "day", "360", "336", "384", "160", "160", "=",
         "reading", "S07"],
        ["PR05", "E2021-07", "5", "2021-07-31", "day", "408", "384", "432", "154", "154", "=",
         "reading", "S08"],
        ["PR06", "E2021-07", "6", "2021-08-01", "day", "432", "408", "456", "220",
         "to be raised to 220", "=", "target", "S08"],
    ],
    "events": [
        ["EV01", "2024-04-01", "2024-04-30", "month", "risk", "Leak rate at its highest", "S02"],
        ["EV02", "2024-09-27", "", "day", "statement", "Leak rate down by about a third", "S04"],
    ],
    "constants": [
        ["C01", "lb_kg", "0.45359237", "", "", "kg", "S02"],
        ["C02", "iss_leak_requirement", "2", "", "", "lb/day", "S09"],
    ],
}

# pressure_readings has pressure_reported between pressure_mmhg and qualifier
SCHEMAS["pressure_readings"]["fields"].insert(
    9, {"name": "pressure_reported", "type": "string"}
)


def write_package(folder: Path) -> Path:
    """Write the minimal valid package into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for name, schema in SCHEMAS.items():
        path = folder / f"{name}.csv"
        header = [f["name"] for f in schema["fields"]]
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for row in ROWS[name]:
                assert len(row) == len(header), (name, row)
                w.writerow(row)
        resources.append({
            "name": name,
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "hash": f"sha256:{file_sha256(path)}",
            "schema": schema,
        })
    desc = {"name": "prk-evidence-fixture", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(desc, indent=2), encoding="utf-8")
    return folder


def real_data_available() -> bool:
    """True if the repository's ``data/`` holds a descriptor."""
    return config.DATAPACKAGE.is_file()


def copy_real_package(folder: Path) -> Path:
    """Copy the repository's ``data/`` into ``folder`` and return it."""
    shutil.copytree(config.DATA_DIR, folder)
    return folder
