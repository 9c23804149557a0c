"""The public data sets the platform ships with, compressed (sources and licences in ``NOTICE``).

They make a fresh installation complete without anything beside the project: the demo loads the
universities, the industry classification and the papers and patents of its resource pool from
here, and the matching index learns categories from the CSL titles. Read them with
:func:`techmayor.core.files.open_file` (or :func:`~techmayor.core.files.read_rows` for the
university list), which decompress transparently. The dashboard's map shapes in ``geo/`` are gzip
files served to browsers as they are (``dashboards.geo``).
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

UNIVERSITIES = DATA_DIR / "moe_universities_2025.xls.xz"  # 全国普通高等学校名单, 2,919 universities
INDUSTRIES = DATA_DIR / "gbt4754_2017.json.xz"  # GB/T 4754-2017 国民经济行业分类, 1,772 rows
PAPERS = DATA_DIR / "csl_papers.jsonl.xz"  # CSL papers, 2,000
PAPER_TITLES = DATA_DIR / "csl_titles_train.tsv.xz"  # CSL titles with their 门类, 8,000
PATENTS = DATA_DIR / "patents_ipc.jsonl.xz"  # Chinese patents' titles and IPC subclasses, 9,740
GEO_DIR = DATA_DIR / "geo"  # Jiangsu's 13 cities, county-level GeoJSON, gzip (dashboards.geo)
DIVISIONS = DATA_DIR / "china_divisions_pcas_2023.json.xz"  # China's divisions to towns (NBS 2023), 4 levels
