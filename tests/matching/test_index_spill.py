"""The index build spills postings to disk and builds each field a range of terms at a time
(decision 0030, "Peak memory"): the files it writes are those of a whole-pool build."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse

from techmayor.matching import index as ix
from techmayor.matching.index import (
    BIGRAM_FIELD,
    FIELDS,
    WORD_FIELDS,
    BM25Params,
    MatchIndex,
    analyse_record_texts,
    bm25_weights,
    build_index,
    idf_lucene,
    normalize_record,
)
from techmayor.matching.ranker import Matcher

from .conftest import records


def _files(root: Path) -> dict[str, bytes]:
    """Every file of an index directory; the manifest and the build report without their timings."""
    out = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name in ("manifest.json", "build.json"):
            manifest = json.loads(data)
            for key in ("built_at", "build_seconds", "build_parts"):
                manifest.pop(key, None)
            manifest = {k: v for k, v in manifest.items() if not isinstance(v, float)}  # seconds
            data = json.dumps(manifest, sort_keys=True).encode()
        out[str(path.relative_to(root))] = data
    return out


def test_small_buckets_write_the_same_files_as_one_bucket(tmp_path, monkeypatch):
    """Reading the spill a few postings at a time and cutting every field into many term ranges
    gives the same bytes as one block and one range, the classifier included."""
    recs = records()
    one = Matcher.build(recs, tmp_path / "one").index.directory
    monkeypatch.setattr(ix, "_BLOCK_POSTINGS", 7)
    monkeypatch.setattr(ix, "_RANGE_POSTINGS", 13)
    many = Matcher.build(recs, tmp_path / "many", workers=2).index.directory
    a, b = _files(one), _files(many)
    assert "fields/abstract/data.csc.index.npy" in a and "classifier/classifier.json" in a
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
    assert not list(tmp_path.glob("*.build.*"))  # the spill went with the build directory


def test_fields_equal_the_whole_pool_conversion(tmp_path, monkeypatch):
    """Each field's CSC arrays and the forward index equal what scoring every posting at once and
    converting them with scipy gives, from the records analysed one by one."""
    monkeypatch.setattr(ix, "_RANGE_POSTINGS", 50)  # many ranges
    params = BM25Params(k1=1.3, b=0.7)
    recs = [normalize_record(r) for r in records()]
    index = build_index(recs, tmp_path / "ix", params=params, chunk_size=4)
    root = tmp_path / "ix"
    words = json.loads((root / "fields" / "title" / "vocab.index.json").read_text(encoding="utf-8"))
    bigrams = json.loads((root / "fields" / BIGRAM_FIELD / "vocab.index.json").read_text(encoding="utf-8"))
    analysed = [analyse_record_texts(index.analyzer, r["title"], r["keywords"], r["abstract"]) for r in recs]
    n = len(recs)
    for f in FIELDS:
        vocab = bigrams if f == BIGRAM_FIELD else words
        doc, term, tf = [], [], []
        lengths = np.array([len(a[f]) for a in analysed], dtype=np.int32)
        for d, a in enumerate(analysed):
            for t, c in Counter(a[f]).items():
                doc.append(d)
                term.append(vocab[t])
                tf.append(c)
        doc, term, tf = np.array(doc, np.int32), np.array(term, np.int32), np.array(tf, np.int32)
        n_f = int((lengths > 0).sum())
        avgdl = float(lengths[lengths > 0].mean())
        df = np.bincount(term, minlength=len(vocab))
        idf = idf_lucene(df.astype(np.float32), n_f)
        values = bm25_weights(tf, lengths[doc], idf[term], avgdl, params)
        expected = scipy.sparse.coo_matrix((values, (doc, term)), shape=(n, len(vocab))).tocsc()
        expected.sort_indices()
        path = root / "fields" / f
        assert len(np.load(path / "indptr.csc.index.npy")) - 1 > 3  # more terms than a range holds postings
        np.testing.assert_array_equal(np.load(path / "indptr.csc.index.npy"), expected.indptr)
        np.testing.assert_array_equal(np.load(path / "indices.csc.index.npy"), expected.indices)
        np.testing.assert_array_equal(np.load(path / "data.csc.index.npy"), expected.data)
        assert np.load(path / "data.csc.index.npy").dtype == np.float32
        np.testing.assert_array_equal(np.load(path / "df.npy"), df)
    # forward index: each row's words and their frequencies over title, keywords and abstract
    ptr, terms, tfs = (np.load(root / "forward" / f"{name}.npy") for name in ("indptr", "terms", "tf"))
    for d, a in enumerate(analysed):
        row = Counter(t for f in WORD_FIELDS for t in a[f])
        got = dict(zip(terms[ptr[d] : ptr[d + 1]].tolist(), tfs[ptr[d] : ptr[d + 1]].tolist(), strict=True))
        assert got == {words[t]: c for t, c in row.items()}
    assert MatchIndex.load(root).n_rows == n
