"""Field-weighted BM25 index over achievements, persisted to a directory, updated incrementally.

Layout of an index directory::

    manifest.json            format version, BM25 parameters, field statistics, analyzer config
    fields/<field>/          one bm25s index per field (title, keywords, abstract, bigram):
                             data/indices/indptr .csc.index.npy, vocab.index.json, params.index.json
    forward/                 doc → (word id, tf) CSR, for pseudo-relevance feedback
    docs/                    columnar doc store: external ids, titles, kind, labels, experts,
                             university (numpy arrays + UTF-8 blobs, memory-mapped)
    delta.jsonl              records added or changed since the build (re-analysed on load)
    tombstones.json          external ids removed (or superseded) since the build

The main segment is a set of bm25s sparse score matrices (docs × terms, CSC), built by a
chunked, vectorised builder that computes exactly bm25s's Lucene BM25 (a test checks this
against ``bm25s.BM25.index``) without holding Python token lists or the postings of the whole
corpus (they are spilled to disk and each field is built a range of terms at a time), and
saved in bm25s's own format, so ``bm25s.BM25.load(..., mmap=True)`` loads it without
re-tokenising.  Word fields share one vocabulary; the bigram field has its own.

Changes after the build go to a small **delta** segment scored with the main segment's global
statistics (N, df, average length), plus **tombstones** that hide superseded main rows.
:meth:`MatchIndex.compact` (or a rebuild) folds them into a new main segment.

Doc ids are the achievements' external ids.  No Django imports here.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
import scipy.sparse

from .analysis import Analyzer, domain_words_from_keywords

FORMAT_VERSION = 1
WORD_FIELDS = ("title", "keywords", "abstract")
BIGRAM_FIELD = "bigram"
FIELDS = (*WORD_FIELDS, BIGRAM_FIELD)
KINDS = ("paper", "patent", "offer")
KEEP_ON_REBUILD = ("classifier", "trained")  # sub-directories of an index directory that a rebuild keeps


# --- records ---------------------------------------------------------------------------------


def _as_list(value) -> list[str]:
    """A list of strings from a list, a JSON array's text (as a database column holds it) or a
    delimited string."""
    if value is None:
        return []
    if isinstance(value, str):
        import re

        if value == "null":  # a JSON column's null, read as text
            return []
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return _as_list(parsed)

        return [v for v in (p.strip() for p in re.split(r"[;；,，、|]", value)) if v]
    return [str(v) for v in value if v is not None and str(v).strip()]


def normalize_record(rec: Mapping) -> dict:
    """A record in the shape the index stores.  Accepts the Django layer's dicts
    (``external_id``, ``kind``, ``title``, ``abstract``, ``keywords``, ``discipline``,
    ``category``, ``ipc``, ``expert_ids``, ``university_id``) and the corpus JSONL shape
    (``id``, ``text`` for the abstract); keywords and IPC codes as a list, the text of a JSON
    array (parsed here, in the worker processes, rather than by the reader) or a delimited string."""
    ext = rec.get("external_id", rec.get("id"))
    if ext is None or not str(ext).strip():
        raise ValueError("record without external_id")
    ext = str(ext).strip()
    kind = rec.get("kind") or ("patent" if rec.get("ipc") else "paper")
    return {
        "external_id": ext,
        "kind": str(kind),
        "title": str(rec.get("title") or ""),
        "abstract": str(rec.get("abstract") or rec.get("text") or ""),
        "keywords": _as_list(rec.get("keywords")),
        "discipline": str(rec.get("discipline") or ""),
        "category": str(rec.get("category") or ""),
        "ipc": _as_list(rec.get("ipc")),
        "expert_ids": _as_list(rec.get("expert_ids")),
        "university_id": str(rec["university_id"]) if rec.get("university_id") not in (None, "") else "",
    }


def analyse_record_runs(
    analyzer: Analyzer, title: str, keywords: Sequence[str], abstract: str
) -> tuple[dict, list[str]]:
    """Word tokens per word field, and the CJK runs whose bigrams make the bigram field."""
    tw, tr = analyzer.analyze_runs(title)
    kw, kr = analyzer.analyze_runs(" ; ".join(keywords)) if keywords else ([], [])
    aw, ar = analyzer.analyze_runs(abstract) if abstract else ([], [])
    return {"title": tw, "keywords": kw, "abstract": aw}, tr + kr + ar


def analyse_record_texts(
    analyzer: Analyzer, title: str, keywords: Sequence[str], abstract: str
) -> dict[str, list[str]]:
    """Field tokens of one record: words of title, keywords, abstract; bigrams of all three."""
    words, runs = analyse_record_runs(analyzer, title, keywords, abstract)
    words[BIGRAM_FIELD] = [r[i : i + 2] for r in runs for i in range(len(r) - 1)]
    return words


def bigram_key(bigram: str) -> int:
    """Integer id of a two-character string (the bigram vocabulary is keyed by these)."""
    return (ord(bigram[0]) << 21) | ord(bigram[1])


def bigram_of_key(key: int) -> str:
    return chr(key >> 21) + chr(key & 0x1FFFFF)


# --- BM25 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BM25Params:
    """Lucene BM25 (bm25s's ``method="lucene"``); Robertson's customary k1 and b."""

    k1: float = 1.2
    b: float = 0.75


def idf_lucene(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def bm25_weights(tf: np.ndarray, dl: np.ndarray, idf: np.ndarray, avgdl: float, params: BM25Params) -> np.ndarray:
    """Per-posting BM25 score ``idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))``."""
    tf = tf.astype(np.float32)
    norm = params.k1 * (1.0 - params.b + params.b * dl.astype(np.float32) / np.float32(max(avgdl, 1e-9)))
    return (idf * tf / (tf + norm)).astype(np.float32)


# --- chunk analysis (runs in worker processes) --------------------------------------------------

_WORKER_ANALYZER: Analyzer | None = None


def _worker_init(config: dict) -> None:
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = Analyzer.from_config(config)


@dataclass
class _FieldChunk:
    doc: np.ndarray  # int32 local doc index
    term: np.ndarray  # int32 local term id
    tf: np.ndarray  # int32
    length: np.ndarray  # int32 per doc


@dataclass
class _Chunk:
    n_docs: int
    word_vocab: list[str]
    bigram_vocab: np.ndarray  # int64 bigram keys (see bigram_key)
    fields: dict[str, _FieldChunk]
    forward: _FieldChunk  # all words of the doc (title + keywords + abstract)
    meta: dict = field(default_factory=dict)


_SINGLE = {"kind": "kind", "discipline": "discipline", "category": "category", "university": "university_id"}
_MULTI = {"ipc": "ipc", "experts": "expert_ids"}


def _process_chunk(items: list, analyzer: Analyzer | None = None) -> _Chunk:
    """Parse (JSON lines are accepted), normalise and analyse a chunk of records; metadata is
    coded with chunk-local label vocabularies that the parent maps to global codes."""
    recs = [
        normalize_record(json.loads(it) if isinstance(it, str) else it)
        for it in items
        if not isinstance(it, str) or it.strip()
    ]
    chunk = _analyse_chunk([(r["title"], r["keywords"], r["abstract"]) for r in recs], analyzer)
    meta: dict = {"ids": [r["external_id"] for r in recs], "titles": [r["title"] for r in recs]}
    for name, key in _SINGLE.items():
        vocab: dict[str, int] = {}
        codes = [vocab.setdefault(r[key], len(vocab)) for r in recs]
        meta[name] = (list(vocab), np.array(codes, dtype=np.int32))
    for name, key in _MULTI.items():
        vocab = {}
        flat = [vocab.setdefault(v, len(vocab)) for r in recs for v in r[key]]
        meta[name] = (
            list(vocab),
            np.array(flat, dtype=np.int32),
            np.array([len(r[key]) for r in recs], dtype=np.int64),
        )
    chunk.meta = meta
    return chunk


def _pack(tokens: list[int], lengths: list[int], n_vocab: int) -> _FieldChunk:
    """(doc, term, tf) triples of a chunk from its flat token-id stream."""
    lens = np.array(lengths, dtype=np.int64)
    if not tokens:
        empty = np.zeros(0, dtype=np.int32)
        return _FieldChunk(empty, empty, empty, lens.astype(np.int32))
    docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lens)
    key = docs * max(n_vocab, 1) + np.array(tokens, dtype=np.int64)
    uniq, counts = np.unique(key, return_counts=True)
    return _FieldChunk(
        doc=(uniq // max(n_vocab, 1)).astype(np.int32),
        term=(uniq % max(n_vocab, 1)).astype(np.int32),
        tf=counts.astype(np.int32),
        length=lens.astype(np.int32),
    )


def _bigram_triples(runs_per_doc: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(doc, key, tf) of character bigrams and the bigram count per doc, vectorised: the runs of
    a chunk are joined with NUL separators and decoded to code points once."""
    n_docs = len(runs_per_doc)
    big = "\x00".join(runs_per_doc) + "\x00"
    cp = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc_len = np.fromiter((len(r) + 1 for r in runs_per_doc), dtype=np.int64, count=n_docs)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), doc_len)
    left, right = cp[:-1], cp[1:]
    valid = (left != 0) & (right != 0)
    keys = (left[valid] << 21) | right[valid]
    docs = doc_of[:-1][valid]
    counts = np.bincount(docs, minlength=n_docs).astype(np.int32)
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, counts
    uk, inv = np.unique(keys, return_inverse=True)
    pair, tf = np.unique(docs * len(uk) + inv, return_counts=True)
    return pair // len(uk), uk[pair % len(uk)], tf, counts


def _analyse_chunk(texts: list[tuple[str, list[str], str]], analyzer: Analyzer | None = None) -> _Chunk:
    """Analyse a chunk of documents into per-field (doc, term, tf) arrays with chunk-local
    vocabularies (the parent maps them to global ids once per distinct term)."""
    analyzer = analyzer or _WORKER_ANALYZER
    assert analyzer is not None
    # chunk-local ids in order of first appearance, assigned in C (a missing key takes the next number)
    wv: dict[str, int] = defaultdict(itertools.count().__next__)
    tokens: dict[str, list[int]] = {f: [] for f in WORD_FIELDS}
    lengths: dict[str, list[int]] = {f: [] for f in WORD_FIELDS}
    runs_per_doc: list[str] = []
    word_id = wv.__getitem__
    for title, keywords, abstract in texts:
        words, runs = analyse_record_runs(analyzer, title, keywords, abstract)
        for f in WORD_FIELDS:
            toks = words[f]
            tokens[f].extend(map(word_id, toks))
            lengths[f].append(len(toks))
        runs_per_doc.append("\x00".join(runs))
    n_ids = len(wv)
    packed = {f: _pack(tokens[f], lengths[f], n_ids) for f in WORD_FIELDS}
    bdoc, bkey, btf, blen = _bigram_triples(runs_per_doc)
    ukeys, bterm = np.unique(bkey, return_inverse=True)
    packed[BIGRAM_FIELD] = _FieldChunk(bdoc.astype(np.int32), bterm.astype(np.int32), btf.astype(np.int32), blen)
    # forward index: the union of the word fields, tf summed
    n = max(n_ids, 1)
    doc = np.concatenate([packed[f].doc for f in WORD_FIELDS]).astype(np.int64)
    term = np.concatenate([packed[f].term for f in WORD_FIELDS]).astype(np.int64)
    tf = np.concatenate([packed[f].tf for f in WORD_FIELDS])
    uniq, inverse = np.unique(doc * n + term, return_inverse=True)
    fwd_tf = np.bincount(inverse, weights=tf, minlength=len(uniq)).astype(np.int32)
    fwd_len = sum(np.array(lengths[f], dtype=np.int32) for f in WORD_FIELDS)
    forward = _FieldChunk((uniq // n).astype(np.int32), (uniq % n).astype(np.int32), fwd_tf, fwd_len)
    return _Chunk(len(texts), list(wv), ukeys, packed, forward)


# --- the main segment builder ---------------------------------------------------------------
#
# Peak memory (decision 0030, "Peak memory"): the builder never holds the pool's postings.  Each
# chunk's (term, tf) arrays are appended, per field, to files in a spill directory as the chunk
# arrives; the documents stay implicit (chunks arrive in row order and each chunk's postings are
# grouped by row, so a posting count per document is enough to give every posting its row back).
# A field is then built from its spill alone: one pass counts the document frequencies (they give
# the CSC column offsets before any posting is placed), a second one sorts the postings into
# buckets of consecutive terms of at most ``_RANGE_POSTINGS`` postings each, and each bucket in
# turn is scored and converted to CSC and appended to the field's files.  So the peak is one
# bucket, not the pool, and the files are the ones the whole-pool conversion wrote, byte for byte.

_BLOCK_POSTINGS = 2_000_000  # postings read from a spill at a time
_RANGE_POSTINGS = 4_000_000  # postings of one bucket of consecutive terms (one term may exceed it)
_POSTING = np.dtype([("doc", "<i4"), ("term", "<i4"), ("tf", "<i4")])  # a bucket file's records


class _Spill:
    """One field's postings on disk, in row order: term ids and term frequencies (int32 files),
    and in memory the number of postings and the field's length of each document."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True)
        self.path = path
        self._term = open(path / "term", "wb")  # noqa: SIM115 (closed by finish)
        self._tf = open(path / "tf", "wb")  # noqa: SIM115
        self._per_doc: list[np.ndarray] = []
        self._lengths: list[np.ndarray] = []
        self.n_postings = 0

    def add(self, n_docs: int, fc: _FieldChunk, term: np.ndarray) -> None:
        """A chunk's postings (``term``: global ids of ``fc.term``), grouped by row as ``fc.doc`` is."""
        self._per_doc.append(np.bincount(fc.doc, minlength=n_docs).astype(np.int32))
        self._lengths.append(fc.length.astype(np.int32, copy=False))
        term.astype(np.int32, copy=False).tofile(self._term)
        fc.tf.astype(np.int32, copy=False).tofile(self._tf)
        self.n_postings += len(term)

    def finish(self) -> None:
        self._term.close()
        self._tf.close()
        self.per_doc = np.concatenate(self._per_doc) if self._per_doc else np.zeros(0, dtype=np.int32)
        self.lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, dtype=np.int32)
        self._per_doc, self._lengths = [], []
        self.offsets = np.zeros(len(self.per_doc) + 1, dtype=np.int64)
        np.cumsum(self.per_doc, out=self.offsets[1:])

    def blocks(self, size: int | None = None) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """``(doc, term, tf)`` of whole documents, about ``size`` postings at a time, in row order."""
        size = size or _BLOCK_POSTINGS
        n_docs = len(self.per_doc)
        with open(self.path / "term", "rb") as term_fh, open(self.path / "tf", "rb") as tf_fh:
            start = 0
            while start < n_docs:
                end = int(np.searchsorted(self.offsets, self.offsets[start] + size, side="right")) - 1
                end = min(n_docs, max(end, start + 1))
                count = int(self.offsets[end] - self.offsets[start])
                doc = np.repeat(np.arange(start, end, dtype=np.int32), self.per_doc[start:end])
                yield doc, np.fromfile(term_fh, np.int32, count), np.fromfile(tf_fh, np.int32, count)
                start = end

    def sample(self, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(doc, term, tf)`` of every ``stride``-th document."""
        parts = [(d[keep], t[keep], f[keep]) for d, t, f in self.blocks() for keep in [d % stride == 0]]
        if not parts:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, empty
        return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]

    def df(self, n_terms: int) -> np.ndarray:
        """Document frequency of each term (a document's postings have distinct terms)."""
        df = np.zeros(n_terms, dtype=np.int64)
        for _, term, _ in self.blocks():
            df += np.bincount(term, minlength=n_terms)
        return df


class _Accumulator:
    """Maps chunks to global vocabularies and spills their postings (see :class:`_Spill`)."""

    def __init__(self, spill_dir: Path) -> None:
        self.word_vocab: dict[str, int] = {}
        self.bigram_vocab: dict[int, int] = {}  # bigram key → id
        self.spills = {name: _Spill(spill_dir / name) for name in (*FIELDS, "forward")}
        self.n_docs = 0

    def add(self, chunk: _Chunk) -> None:
        wv, bv = self.word_vocab, self.bigram_vocab
        wset, bset = wv.setdefault, bv.setdefault
        wlut = np.array([wset(t, len(wv)) for t in chunk.word_vocab], dtype=np.int32)
        blut = np.array([bset(k, len(bv)) for k in np.asarray(chunk.bigram_vocab).tolist()], dtype=np.int32)
        items = [*((f, chunk.fields[f], wlut) for f in WORD_FIELDS), (BIGRAM_FIELD, chunk.fields[BIGRAM_FIELD], blut)]
        items.append(("forward", chunk.forward, wlut))
        for name, fc, lut in items:
            self.spills[name].add(chunk.n_docs, fc, lut[fc.term])
        self.n_docs += chunk.n_docs

    def finish(self) -> None:
        for spill in self.spills.values():
            spill.finish()


class _StringSpill:
    """A column of strings (the documents' ids or titles) appended to a file as UTF-8 as they come,
    their byte lengths kept; saved as the doc store's blob (``uint8``) and offsets (``int64``, n + 1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = open(path, "wb")  # noqa: SIM115 (closed by save)
        self._sizes: list[np.ndarray] = []
        self.n = 0

    def extend(self, strings: Sequence[str]) -> None:
        encoded = [s.encode("utf-8") for s in strings]
        self._fh.write(b"".join(encoded))
        self._sizes.append(np.array([len(e) for e in encoded], dtype=np.int64))
        self.n += len(encoded)

    def save(self, blob_path: Path, offsets_path: Path) -> None:
        self._fh.close()
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        if self._sizes:
            np.cumsum(np.concatenate(self._sizes), out=offsets[1:])
        blob = _NpyWriter(blob_path, np.uint8, int(offsets[-1]))
        with open(self.path, "rb") as fh:
            while piece := fh.read(1 << 24):
                blob.write(np.frombuffer(piece, dtype=np.uint8))
        blob.close()
        np.save(offsets_path, offsets)


class _NpyWriter:
    """A 1-D ``.npy`` file written piece by piece: the header ``np.save`` writes for an array of
    ``length`` items of ``dtype``, then the items as they come (the same bytes as ``np.save``)."""

    def __init__(self, path: Path, dtype, length: int) -> None:
        self.dtype = np.dtype(dtype)
        self.length = length
        self.written = 0
        self._fh = open(path, "wb")  # noqa: SIM115 (closed by close)
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": (length,)}
        np.lib.format.write_array_header_1_0(self._fh, header)

    def write(self, values: np.ndarray) -> None:
        np.ascontiguousarray(values, dtype=self.dtype).tofile(self._fh)
        self.written += len(values)

    def close(self) -> None:
        self._fh.close()
        if self.written != self.length:
            raise RuntimeError(f"{self.written} items written, {self.length} announced")


def _term_ranges(indptr: np.ndarray, budget: int) -> np.ndarray:
    """Bounds of consecutive term ranges holding at most ``budget`` postings each (a single term
    holding more is a range of its own): ``[b[i], b[i + 1])``."""
    n_terms = len(indptr) - 1
    bounds = [0]
    while bounds[-1] < n_terms:
        start = bounds[-1]
        end = int(np.searchsorted(indptr, indptr[start] + budget, side="right")) - 1
        bounds.append(min(n_terms, max(end, start + 1)))
    return np.array(bounds, dtype=np.int64)


def _csc(
    doc: np.ndarray, term: np.ndarray, values: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSC (column = term) with rows (docs) ascending within each column.

    scipy's COO → CSC conversion is a counting sort, O(postings): about 8× faster than a stable
    argsort by term at 50 M postings, and stable, so the ascending docs stay ascending within
    each column.  (doc, term) pairs are unique within a field (a chunk packs each document's
    term frequencies), so its summing of duplicates never applies."""
    n_rows = int(doc.max()) + 1 if len(doc) else 0
    m = scipy.sparse.coo_matrix((values, (doc, term)), shape=(n_rows, n_terms)).tocsc()
    return m.data, m.indices.astype(np.int32, copy=False), m.indptr.astype(np.int64, copy=False)


def _write_field(
    spill: _Spill, path: Path, n_terms: int, n_docs: int, vocab: Mapping, params: BM25Params, work: Path
) -> dict:
    """Score one field's spilled postings and write its bm25s files into ``path``, a bucket of
    consecutive terms at a time (see the comment above :data:`_BLOCK_POSTINGS`).  Returns the
    field's statistics for the manifest."""
    lengths = spill.lengths
    nonempty = lengths > 0
    n_f = int(nonempty.sum())
    avgdl = float(lengths[nonempty].mean()) if n_f else 1.0
    df = spill.df(n_terms)
    idf = idf_lucene(df.astype(np.float32), max(n_f, 1))
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    bounds = _term_ranges(indptr, _RANGE_POSTINGS)
    n_ranges = len(bounds) - 1

    # pass 2: the postings, in row order, into one bucket file per term range (rows stay ascending)
    work.mkdir()
    buckets = [open(work / str(i), "wb") for i in range(n_ranges)]  # noqa: SIM115
    try:
        for doc, term, tf in spill.blocks():
            which = np.searchsorted(bounds, term, side="right") - 1
            order = np.argsort(which, kind="stable")
            rec = np.empty(len(term), dtype=_POSTING)
            rec["doc"], rec["term"], rec["tf"] = doc[order], term[order], tf[order]
            ends = np.cumsum(np.bincount(which, minlength=n_ranges))
            for i in np.flatnonzero(np.diff(ends, prepend=0)).tolist():
                rec[ends[i - 1] if i else 0 : ends[i]].tofile(buckets[i])
            del which, order, rec
    finally:
        for fh in buckets:
            fh.close()

    # pass 3: each bucket scored and converted to CSC, appended to the field's files
    path.mkdir(parents=True)
    n_postings = int(indptr[-1])
    data_out = _NpyWriter(path / "data.csc.index.npy", np.float32, n_postings)
    indices_out = _NpyWriter(path / "indices.csc.index.npy", np.int32, n_postings)
    for i in range(n_ranges):
        rec = np.fromfile(work / str(i), dtype=_POSTING)
        (work / str(i)).unlink()
        doc, term, tf = rec["doc"], rec["term"], rec["tf"]
        start = int(bounds[i])
        weights = bm25_weights(tf, lengths[doc], idf[term], avgdl, params)
        data, indices, ptr = _csc(doc, term - start, weights, int(bounds[i + 1]) - start)
        assert np.array_equal(ptr, indptr[start : bounds[i + 1] + 1] - indptr[start])
        data_out.write(data)
        indices_out.write(indices)
        del rec, doc, term, tf, weights, data, indices, ptr
    data_out.close()
    indices_out.close()
    work.rmdir()
    _save_bm25s(path, indptr, n_docs, vocab, params)
    np.save(path / "df.npy", df.astype(np.int32))
    return {"n_docs": n_f, "avgdl": avgdl, "n_terms": n_terms, "n_postings": n_postings}


@dataclass
class FieldStats:
    n_docs: int  # docs with a non-empty field
    avgdl: float
    df: np.ndarray  # per term id


def _save_bm25s(path: Path, indptr: np.ndarray, num_docs: int, vocab: Mapping | None, params: BM25Params) -> None:
    """bm25s's own files for a field whose score data and indices :func:`_write_field` has
    already written: bm25s saves the column offsets, the vocabulary and its parameters as it
    always does; the empty score arrays it is handed go to scratch names and are removed."""
    r = bm25s.BM25(k1=params.k1, b=params.b, method="lucene")
    empty = {"data": np.zeros(0, dtype=np.float32), "indices": np.zeros(0, dtype=np.int32)}
    r.scores = {**empty, "indptr": indptr, "num_docs": int(num_docs)}
    r.vocab_dict = dict(vocab) if vocab is not None else {}
    r.nonoccurrence_array = None
    scratch = {"data_name": "scratch.data.npy", "indices_name": "scratch.indices.npy"}
    r.save(str(path), show_progress=False, **scratch)
    for name in scratch.values():
        (path / name).unlink()


# --- doc store --------------------------------------------------------------------------------


class _StringColumn:
    def __init__(self, blob: np.ndarray | bytes, offsets: np.ndarray) -> None:
        self.blob = blob
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        a, b = int(self.offsets[i]), int(self.offsets[i + 1])
        return bytes(self.blob[a:b]).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]


@dataclass
class DocMeta:
    """What the ranker needs to know about a hit besides its score."""

    external_id: str
    kind: str
    title: str
    discipline: str
    category: str
    ipc: list[str]
    expert_ids: list[str]
    university_id: str


class _Labels:
    """String ↔ code dictionary for a label column."""

    def __init__(self, values: Sequence[str] = ()) -> None:
        self.values: list[str] = list(values)
        self.codes: dict[str, int] = {v: i for i, v in enumerate(self.values)}

    def code(self, value: str) -> int:
        c = self.codes.get(value)
        if c is None:
            c = self.codes[value] = len(self.values)
            self.values.append(value)
        return c


# --- the index ------------------------------------------------------------------------------


@dataclass
class Postings:
    """The postings of one term in one field: rows (ascending) and BM25 scores."""

    rows: np.ndarray
    scores: np.ndarray


@dataclass
class _Delta:
    records: dict[str, dict] = field(default_factory=dict)  # external_id → record (insertion order)
    rows: list[str] = field(default_factory=list)
    # field → term → Postings (rows are delta-local)
    postings: dict[str, dict[str, Postings]] = field(default_factory=dict)
    forward: list[dict[str, int]] = field(default_factory=list)  # delta row → {word: tf}
    lengths: dict[str, np.ndarray] = field(default_factory=dict)


class MatchIndex:
    """A loaded (or freshly built) index.  Rows ``0 … n_main-1`` are the main segment, rows
    ``n_main …`` the delta.  Use :func:`build_index` to create one and :meth:`load` to open one.
    """

    def __init__(self, directory: Path, analyzer: Analyzer, manifest: dict, mmap: bool = True) -> None:
        self.directory = Path(directory)
        self.analyzer = analyzer
        self.manifest = manifest
        self.params = BM25Params(**manifest["bm25"])
        self.n_main = int(manifest["n_docs"])
        self._mmap = mmap
        mode = "r" if mmap else None
        d = self.directory

        def load_array(path: Path) -> np.ndarray:
            return np.asarray(np.load(path, mmap_mode=mode))

        self.fields: dict[str, bm25s.BM25] = {}
        for f in FIELDS:
            load_vocab = f in ("title", BIGRAM_FIELD)
            r = bm25s.BM25.load(str(d / "fields" / f), mmap=mmap, load_vocab=load_vocab, show_progress=False)
            # plain ndarray views of the memory maps: slicing np.memmap objects is slow
            for key in ("data", "indices", "indptr"):
                r.scores[key] = np.asarray(r.scores[key])
            self.fields[f] = r
        self.word_vocab: dict[str, int] = self.fields["title"].vocab_dict
        self.bigram_vocab: dict[str, int] = self.fields[BIGRAM_FIELD].vocab_dict
        self.field_stats: dict[str, FieldStats] = {}
        for f in FIELDS:
            st = manifest["fields"][f]
            df = load_array(d / "fields" / f / "df.npy")
            self.field_stats[f] = FieldStats(n_docs=st["n_docs"], avgdl=st["avgdl"], df=df)
        self.fwd_indptr = load_array(d / "forward" / "indptr.npy")
        self.fwd_terms = load_array(d / "forward" / "terms.npy")
        self.fwd_tf = load_array(d / "forward" / "tf.npy")
        self._id_to_word: list[str] | None = None
        docs = d / "docs"
        labels = json.loads((docs / "labels.json").read_text(encoding="utf-8"))
        self.labels = {k: _Labels(v) for k, v in labels.items()}
        self.ids = _StringColumn(load_array(docs / "ids.npy"), load_array(docs / "ids_off.npy"))
        self.titles = _StringColumn(load_array(docs / "titles.npy"), load_array(docs / "titles_off.npy"))
        self.kind = load_array(docs / "kind.npy")
        self.discipline = load_array(docs / "discipline.npy")
        self.category = load_array(docs / "category.npy")
        self.university = load_array(docs / "university.npy")
        self.ipc_indptr = load_array(docs / "ipc_indptr.npy")
        self.ipc = load_array(docs / "ipc.npy")
        self.hidden = load_array(docs / "hidden.npy") if (docs / "hidden.npy").exists() else np.zeros(0, np.int64)
        self.exp_indptr = load_array(docs / "experts_indptr.npy")
        self.experts = load_array(docs / "experts.npy")
        self._row_of: dict[str, int] | None = None
        self.tombstones: set[str] = set()
        self._dead_main = np.zeros(0, dtype=np.int64)
        self.delta = _Delta()
        self._state_mtime = 0.0
        self._manifest_id = self._manifest_stamp()
        self._load_changes()

    # -- loading and saving --------------------------------------------------------------------

    @classmethod
    def load(cls, directory: str | Path, *, mmap: bool = True) -> MatchIndex:
        """Open an index directory (arrays memory-mapped by default; nothing is re-tokenised
        except the small delta)."""
        directory = Path(directory)
        manifest_path = directory / "manifest.json"
        if not manifest_path.exists():
            raise FileNotFoundError(f"no index in {directory} (manifest.json missing)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"{directory}: index format {manifest.get('format_version')} is not {FORMAT_VERSION}")
        analyzer = Analyzer.from_config(json.loads((directory / "analyzer.json").read_text(encoding="utf-8")))
        return cls(directory, analyzer, manifest, mmap=mmap)

    def _changes_paths(self) -> tuple[Path, Path]:
        return self.directory / "delta.jsonl", self.directory / "tombstones.json"

    def _load_changes(self) -> None:
        delta_path, tomb_path = self._changes_paths()
        self.tombstones = set(json.loads(tomb_path.read_text(encoding="utf-8"))) if tomb_path.exists() else set()
        records = []
        if delta_path.exists():
            with open(delta_path, encoding="utf-8") as fh:
                records = [json.loads(line) for line in fh if line.strip()]
        self.delta = _Delta()
        for r in records:
            self.delta.records[r["external_id"]] = r
        self._rebuild_delta()
        self._state_mtime = self._changes_mtime()

    def _changes_mtime(self) -> float:
        return max((p.stat().st_mtime for p in self._changes_paths() if p.exists()), default=0.0)

    def _manifest_stamp(self) -> tuple[int, int]:
        st = (self.directory / "manifest.json").stat()
        return st.st_ino, st.st_mtime_ns

    def rebuilt_since_load(self) -> bool:
        """True when the directory now holds a different build (load it again to use it)."""
        try:
            return self._manifest_stamp() != self._manifest_id
        except FileNotFoundError:
            return True

    def refresh(self) -> bool:
        """Re-read the delta and tombstones if another process changed them; True if it did."""
        if self._changes_mtime() != self._state_mtime:
            self._load_changes()
            return True
        return False

    def _save_changes(self) -> None:
        delta_path, tomb_path = self._changes_paths()
        _atomic_write(
            delta_path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.delta.records.values())
        )
        _atomic_write(tomb_path, json.dumps(sorted(self.tombstones), ensure_ascii=False))
        self._state_mtime = self._changes_mtime()

    # -- ids -----------------------------------------------------------------------------------

    @property
    def row_of(self) -> dict[str, int]:
        """external id → main row (built lazily: ~100 MB per million docs)."""
        if self._row_of is None:
            hidden = set(self.hidden.tolist())
            self._row_of = {}
            for i, ext in enumerate(self.ids):
                if i not in hidden:
                    self._row_of.setdefault(ext, i)
        return self._row_of

    @property
    def n_rows(self) -> int:
        return self.n_main + len(self.delta.rows)

    def __len__(self) -> int:
        """Number of live documents."""
        return self.n_main - len(self._dead_main) + len(self.delta.rows)

    def external_id(self, row: int) -> str:
        return self.ids[row] if row < self.n_main else self.delta.rows[row - self.n_main]

    def find_row(self, external_id: str) -> int | None:
        """The live row of an external id, or None."""
        if external_id in self.delta.records:
            return self.n_main + self.delta.rows.index(external_id)
        if external_id in self.tombstones:
            return None
        return self.row_of.get(external_id)

    def __contains__(self, external_id: str) -> bool:
        return self.find_row(external_id) is not None

    @property
    def dead_rows(self) -> np.ndarray:
        """Main rows hidden by tombstones (removed or superseded by the delta)."""
        return self._dead_main

    # -- doc metadata --------------------------------------------------------------------------

    def meta(self, row: int) -> DocMeta:
        if row >= self.n_main:
            r = self.delta.records[self.delta.rows[row - self.n_main]]
            return DocMeta(
                r["external_id"],
                r["kind"],
                r["title"],
                r["discipline"],
                r["category"],
                list(r["ipc"]),
                list(r["expert_ids"]),
                r["university_id"],
            )
        lab = self.labels
        ipc = [lab["ipc"].values[c] for c in self.ipc[self.ipc_indptr[row] : self.ipc_indptr[row + 1]]]
        experts = [lab["experts"].values[c] for c in self.experts[self.exp_indptr[row] : self.exp_indptr[row + 1]]]
        uni = int(self.university[row])
        return DocMeta(
            self.ids[row],
            lab["kind"].values[int(self.kind[row])],
            self.titles[row],
            lab["discipline"].values[int(self.discipline[row])],
            lab["category"].values[int(self.category[row])],
            ipc,
            experts,
            lab["university"].values[uni] if uni >= 0 else "",
        )

    def university_of(self, row: int) -> str:
        """The 学校标识码 of a row ("" when none): ``meta(row).university_id`` without the rest."""
        if row >= self.n_main:
            return self.delta.records[self.delta.rows[row - self.n_main]]["university_id"]
        uni = int(self.university[row])
        return self.labels["university"].values[uni] if uni >= 0 else ""

    def label_codes(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Codes (indexes into ``self.labels[name].values``) of a single-valued label column
        (kind, discipline, category, university) for ``rows``; -1 when empty or unknown."""
        rows = np.asarray(rows, dtype=np.int64)
        col = {
            "kind": self.kind,
            "discipline": self.discipline,
            "category": self.category,
            "university": self.university,
        }[name]
        out = np.full(len(rows), -1, dtype=np.int64)
        main = rows < self.n_main
        out[main] = np.asarray(col)[rows[main]]
        if name in ("discipline", "category"):
            out[out == 0] = -1  # code 0 is the empty label
        if not main.all():
            key = {"university": "university_id"}.get(name, name)
            codes = self.labels[name].codes
            for j in np.flatnonzero(~main):
                value = self.delta.records[self.delta.rows[int(rows[j]) - self.n_main]][key]
                out[j] = codes.get(value, -1) if value else -1
        return out

    def ipc_codes(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """IPC label codes of ``rows`` as (flat codes, position of the row for each code);
        codes of labels the main segment has never seen are -1."""
        rows = np.asarray(rows, dtype=np.int64)
        flat: list[np.ndarray] = []
        owner: list[np.ndarray] = []
        main = np.flatnonzero(rows < self.n_main)
        if len(main):
            starts = np.asarray(self.ipc_indptr)[rows[main]]
            ends = np.asarray(self.ipc_indptr)[rows[main] + 1]
            lengths = ends - starts
            if lengths.sum():
                pos = np.repeat(main, lengths)
                offs = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                flat.append(np.asarray(self.ipc)[np.repeat(starts, lengths) + offs].astype(np.int64))
                owner.append(pos)
        codes = self.labels["ipc"].codes
        for j in np.flatnonzero(rows >= self.n_main):
            rec = self.delta.records[self.delta.rows[int(rows[j]) - self.n_main]]
            if rec["ipc"]:
                flat.append(np.array([codes.get(c, -1) for c in rec["ipc"]], dtype=np.int64))
                owner.append(np.full(len(rec["ipc"]), j, dtype=np.int64))
        if not flat:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(flat), np.concatenate(owner)

    def experts_of_rows(self, rows: np.ndarray) -> list[list[str]]:
        out = []
        vals = self.labels["experts"].values
        for row in rows:
            row = int(row)
            if row >= self.n_main:
                out.append(list(self.delta.records[self.delta.rows[row - self.n_main]]["expert_ids"]))
            else:
                out.append([vals[c] for c in self.experts[self.exp_indptr[row] : self.exp_indptr[row + 1]]])
        return out

    # -- term statistics -----------------------------------------------------------------------

    def doc_freq(self, term: str, field: str = "abstract") -> int:
        vocab = self.bigram_vocab if field == BIGRAM_FIELD else self.word_vocab
        tid = vocab.get(term)
        df = int(self.field_stats[field].df[tid]) if tid is not None and tid < len(self.field_stats[field].df) else 0
        dpost = self.delta.postings.get(field, {}).get(term)
        return df + (len(dpost.rows) if dpost is not None else 0)

    def word_doc_share(self, term: str) -> float:
        """Share of documents containing ``term`` in a word field (max over fields, each relative
        to the documents that have that field)."""
        n_delta = len(self.delta.rows)
        return max(self.doc_freq(term, f) / max(self.field_stats[f].n_docs + n_delta, 1) for f in WORD_FIELDS)

    def idf(self, term: str, field: str) -> float:
        st = self.field_stats[field]
        n = st.n_docs + len(self.delta.rows)
        return float(idf_lucene(np.array([self.doc_freq(term, field)], dtype=np.float32), max(n, 1))[0])

    def word(self, tid: int) -> str:
        if self._id_to_word is None:
            inv = [""] * len(self.word_vocab)
            for w, i in self.word_vocab.items():
                inv[i] = w
            self._id_to_word = inv
        return self._id_to_word[tid]

    def postings(self, field: str, term: str) -> tuple[Postings | None, Postings | None]:
        """Main and delta postings of ``term`` in ``field`` (rows in index row space)."""
        vocab = self.bigram_vocab if field == BIGRAM_FIELD else self.word_vocab
        main = None
        tid = vocab.get(term)
        if tid is not None:
            sc = self.fields[field].scores
            a, b = int(sc["indptr"][tid]), int(sc["indptr"][tid + 1])
            if b > a:
                main = Postings(sc["indices"][a:b], sc["data"][a:b])
        d = self.delta.postings.get(field, {}).get(term)
        delta = Postings(d.rows + self.n_main, d.scores) if d is not None else None
        return main, delta

    def accumulate(self, scores: np.ndarray, field: str, term_weights: Mapping[str, float]) -> None:
        """``scores[row] += w * bm25(field, term, row)`` for every term; ``scores`` has ``n_rows``."""
        vocab = self.bigram_vocab if field == BIGRAM_FIELD else self.word_vocab
        sc = self.fields[field].scores
        indptr, indices, data = sc["indptr"], sc["indices"], sc["data"]
        dpost = self.delta.postings.get(field, {})
        for term, w in term_weights.items():
            if w == 0:
                continue
            tid = vocab.get(term)
            if tid is not None:
                a, b = int(indptr[tid]), int(indptr[tid + 1])
                if b > a:
                    np.add.at(scores, indices[a:b], data[a:b] * np.float32(w))
            d = dpost.get(term)
            if d is not None:
                np.add.at(scores, d.rows + self.n_main, d.scores * np.float32(w))

    def contains(self, field: str, term: str, rows: np.ndarray) -> np.ndarray:
        """Boolean mask: which of ``rows`` have ``term`` in ``field``."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=bool)
        main, delta = self.postings(field, term)
        if main is not None:
            pos = np.searchsorted(main.rows, rows)
            pos = np.minimum(pos, len(main.rows) - 1)
            out |= np.asarray(main.rows)[pos] == rows
        if delta is not None:
            out |= np.isin(rows, delta.rows)
        return out

    def score_rows(self, field: str, term: str, rows: np.ndarray) -> np.ndarray:
        """BM25 score of ``term`` in ``field`` for each of ``rows`` (0 where absent)."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.zeros(len(rows), dtype=np.float32)
        main, delta = self.postings(field, term)
        if main is not None and len(main.rows):
            mrows = np.asarray(main.rows)
            pos = np.minimum(np.searchsorted(mrows, rows), len(mrows) - 1)
            hit = mrows[pos] == rows
            out[hit] += np.asarray(main.scores)[pos[hit]]
        if delta is not None:
            lut = dict(zip(delta.rows.tolist(), delta.scores.tolist(), strict=True))
            out += np.array([lut.get(int(r), 0.0) for r in rows], dtype=np.float32)
        return out

    def doc_terms(self, row: int) -> dict[str, int]:
        """Word → tf over all word fields of one document (forward index)."""
        if row >= self.n_main:
            return dict(self.delta.forward[row - self.n_main])
        a, b = int(self.fwd_indptr[row]), int(self.fwd_indptr[row + 1])
        return {self.word(int(t)): int(f) for t, f in zip(self.fwd_terms[a:b], self.fwd_tf[a:b], strict=True)}

    def holding(self, terms: Sequence[str], rows: np.ndarray) -> dict[str, np.ndarray]:
        """``{term: mask}``: which of ``rows`` hold each term in any word field, read from the
        forward index in one vectorised pass (cheaper than :meth:`contains` per term and field)."""
        rows = np.asarray(rows, dtype=np.int64)
        out = {t: np.zeros(len(rows), dtype=bool) for t in terms}
        ids = {self.word_vocab[t]: t for t in terms if t in self.word_vocab}
        main = np.flatnonzero(rows < self.n_main)
        if ids and len(main):
            indptr = np.asarray(self.fwd_indptr)
            starts, ends = indptr[rows[main]], indptr[rows[main] + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if total:
                offs = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                flat = np.asarray(self.fwd_terms)[np.repeat(starts, lengths) + offs]
                owner = np.repeat(main, lengths)
                wanted = np.fromiter(ids, dtype=np.int64)
                hit = np.isin(flat, wanted)
                for tid, pos in zip(flat[hit].tolist(), owner[hit].tolist(), strict=True):
                    out[ids[tid]][pos] = True
        for j in np.flatnonzero(rows >= self.n_main):
            fwd = self.delta.forward[int(rows[j]) - self.n_main]
            for t in terms:
                if t in fwd:
                    out[t][j] = True
        return out

    def doc_length(self, row: int) -> int:
        if row >= self.n_main:
            return int(sum(self.delta.forward[row - self.n_main].values()))
        a, b = int(self.fwd_indptr[row]), int(self.fwd_indptr[row + 1])
        return int(np.asarray(self.fwd_tf[a:b]).sum())

    # -- incremental updates -------------------------------------------------------------------

    def _rebuild_delta(self) -> None:
        d = self.delta
        d.rows = list(d.records)
        d.postings = {f: {} for f in FIELDS}
        d.forward = []
        dead = set(self.tombstones) | set(d.records)
        dead_rows = {self.row_of[e] for e in dead if e in self.row_of} if dead else set()
        self._dead_main = np.array(sorted(dead_rows | set(self.hidden.tolist())), dtype=np.int64)
        if not d.rows:
            return
        per_field_tokens: dict[str, list[list[str]]] = {f: [] for f in FIELDS}
        for ext in d.rows:
            r = d.records[ext]
            toks = analyse_record_texts(self.analyzer, r["title"], r["keywords"], r["abstract"])
            fwd: dict[str, int] = {}
            for f in FIELDS:
                per_field_tokens[f].append(toks[f])
                if f != BIGRAM_FIELD:
                    for t in toks[f]:
                        fwd[t] = fwd.get(t, 0) + 1
            d.forward.append(fwd)
        n_delta = len(d.rows)
        for f in FIELDS:
            st = self.field_stats[f]
            vocab = self.bigram_vocab if f == BIGRAM_FIELD else self.word_vocab
            lengths = np.array([len(t) for t in per_field_tokens[f]], dtype=np.int32)
            n_nonempty = st.n_docs + int((lengths > 0).sum())
            avgdl = st.avgdl if st.n_docs else (float(lengths[lengths > 0].mean()) if (lengths > 0).any() else 1.0)
            # term → (rows, tfs)
            acc: dict[str, dict[int, int]] = {}
            for row, toks in enumerate(per_field_tokens[f]):
                for t in toks:
                    acc.setdefault(t, {}).setdefault(row, 0)
                    acc[t][row] += 1
            for term, rows_tf in acc.items():
                rows = np.fromiter(rows_tf.keys(), dtype=np.int64, count=len(rows_tf))
                tfs = np.fromiter(rows_tf.values(), dtype=np.int32, count=len(rows_tf))
                tid = vocab.get(term)
                df_main = int(st.df[tid]) if tid is not None and tid < len(st.df) else 0
                idf = idf_lucene(np.array([df_main + len(rows)], dtype=np.float32), max(n_nonempty, 1))
                d.postings[f][term] = Postings(rows, bm25_weights(tfs, lengths[rows], idf, avgdl, self.params))
            d.lengths[f] = lengths
        del n_delta

    def upsert(self, records: Iterable[Mapping], *, save: bool = True) -> int:
        """Add or replace records (by external id).  Replaced main rows are tombstoned; the new
        versions live in the delta until :meth:`compact`.  Returns how many were written."""
        n = 0
        for rec in records:
            r = normalize_record(rec)
            ext = r["external_id"]
            self.delta.records.pop(ext, None)
            self.delta.records[ext] = r
            self.tombstones.discard(ext)
            n += 1
        self._rebuild_delta()
        if save:
            self._save_changes()
        return n

    def remove(self, external_ids: Iterable[str], *, save: bool = True) -> int:
        """Remove documents; returns how many live documents were removed."""
        n = 0
        for ext in external_ids:
            ext = str(ext)
            was_live = self.find_row(ext) is not None
            self.delta.records.pop(ext, None)
            if ext in self.row_of:
                self.tombstones.add(ext)
            n += was_live
        self._rebuild_delta()
        if save:
            self._save_changes()
        return n

    @property
    def pending_changes(self) -> int:
        return len(self.delta.rows) + len(self.tombstones)

    def live_records_for_compaction(self, source: Callable[[Sequence[str]], Iterable[Mapping]]) -> Iterator[dict]:
        """Records for a rebuild: main rows that are live (fetched through ``source`` by external
        id — the database is the source of truth for texts) followed by the delta records."""
        dead = set(self.tombstones) | set(self.delta.records)
        hidden = set(self.hidden.tolist())
        live_main = [e for i, e in enumerate(self.ids) if e not in dead and i not in hidden]
        for i in range(0, len(live_main), 10_000):
            yield from (normalize_record(r) for r in source(live_main[i : i + 10_000]))
        yield from self.delta.records.values()

    def compact(self, source: Callable[[Sequence[str]], Iterable[Mapping]], **build_kwargs) -> MatchIndex:
        """Fold the delta and tombstones into a new main segment (rebuilt in place)."""
        records = list(self.live_records_for_compaction(source))
        build_kwargs.setdefault("analyzer", self.analyzer)
        build_kwargs.setdefault("params", self.params)
        return build_index(records, self.directory, **build_kwargs)


def iter_lines(path: str | Path) -> Iterator[str]:
    """The lines of a JSONL file, for ``build_index(lambda: iter_lines(path), ...)``."""
    with open(path, encoding="utf-8") as fh:
        yield from fh


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


# --- building --------------------------------------------------------------------------------

# The parts of a build, timed apart (seconds in the manifest's ``build_parts``): learning the
# dictionary from the keywords, reading the records, analysing them (in the worker processes, or
# here), computing the postings and their scores (the fields' score files are written as they are
# computed, a range of terms at a time, and counted here), and writing the other files.
BUILD_PARTS = ("dictionary", "read", "analyse", "postings", "write")


@dataclass
class AnalysedPool:
    """What the builder knows of every document once it is analysed and before it is scored:
    term frequencies of all words and of the bigrams (``sample``), and the label columns — enough
    to learn from the pool (``classifier.pool_counts``) without analysing it again."""

    n_docs: int
    words: list[str]  # word id → word
    bigrams: np.ndarray  # bigram id → bigram_key
    # sample("forward" | "bigram", stride): the (doc, term, tf) arrays of every stride-th document's
    # words (title, keywords and abstract, tf summed) or bigrams, in row order; read back from the
    # builder's spill, so the pool's postings are never all in memory
    sample: Callable[[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]]
    labels: dict[str, list[str]]  # column → label values (codes index them)
    single: dict[str, np.ndarray]  # kind, discipline, category, university: a code per document
    ipc: tuple[np.ndarray, np.ndarray]  # flat IPC label codes, and each document's start (indptr)


def _chunks(records: Iterable[dict], size: int) -> Iterator[list[dict]]:
    buf: list[dict] = []
    for r in records:
        buf.append(r)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


def build_index(
    records: Iterable[Mapping] | Callable[[], Iterable[Mapping]],
    directory: str | Path,
    *,
    analyzer: Analyzer | None = None,
    domain_words: Iterable[str] = (),
    params: BM25Params | None = None,
    workers: int = 1,
    chunk_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    on_analysed: Callable[[AnalysedPool], None] | None = None,
    keywords: Callable[[], Iterable[Sequence[str]]] | None = None,
) -> MatchIndex:
    """Build an index from achievement records into ``directory`` (replaced atomically).

    ``records``: dicts (see :func:`normalize_record`) or JSON lines of such dicts (parsed in
    the worker processes), or a zero-argument callable returning a fresh iterable — then the
    domain dictionary is learned from the records' keywords in a first pass without holding
    them all in memory.  ``domain_words``: extra dictionary words, e.g.
    :func:`~techmayor.matching.analysis.domain_words_from_taxonomy` of GB/T 4754 names.
    ``analyzer``: reuse an analyzer (its dictionary) instead of learning one.  ``workers``: >1
    analyses in that many processes.  ``progress(n_done)`` is called after each chunk;
    ``on_analysed(pool)`` once every document is analysed (see :class:`AnalysedPool`).
    ``keywords``: a zero-argument callable giving each record's keywords, read instead of the
    whole records to learn the dictionary (a database reads one column).  The manifest's
    ``build_parts`` gives the seconds spent in each part (:data:`BUILD_PARTS`)."""
    params = params or BM25Params()
    directory = Path(directory)
    source = records if callable(records) else None
    if source is None:
        records = list(records)  # type: ignore[arg-type]

    def fresh() -> Iterable[Mapping]:
        return source() if source is not None else records  # type: ignore[return-value]

    parts = dict.fromkeys(BUILD_PARTS, 0.0)
    started = time.perf_counter()
    if analyzer is None:
        distinct: set[str] = set()
        if keywords is not None:
            for kws in keywords():
                distinct.update(kws)
        else:
            for r in fresh():
                if isinstance(r, str):
                    if not r.strip():
                        continue
                    r = json.loads(r)
                distinct.update(_as_list(r.get("keywords")))
        analyzer = Analyzer({*domain_words, *domain_words_from_keywords(distinct)})
    elif domain_words:
        analyzer = Analyzer([*analyzer.user_words, *domain_words], boilerplate=analyzer.learned_boilerplate)

    # the spill (see _Spill) lives in the build's directory, so a failed build leaves nothing behind
    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=directory.name + ".build."))
    try:
        spill_dir = tmp / "spill"
        acc = _Accumulator(spill_dir)
        lab = {k: _Labels() for k in ("kind", "discipline", "category", "ipc", "experts", "university")}
        for k in KINDS:
            lab["kind"].code(k)
        lab["discipline"].code("")
        lab["category"].code("")
        ids, titles = _StringSpill(spill_dir / "ids"), _StringSpill(spill_dir / "titles")
        single: dict[str, list[np.ndarray]] = {k: [] for k in _SINGLE}
        multi: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {k: [] for k in _MULTI}
        seen: set[str] = set()
        hidden: list[int] = []

        def take(chunk: _Chunk) -> None:
            meta = chunk.meta
            base = ids.n
            for j, ext in enumerate(meta["ids"]):
                if ext in seen:  # a repeated external id: the first record wins, later rows are hidden
                    hidden.append(base + j)
                seen.add(ext)
            ids.extend(meta["ids"])
            titles.extend(meta["titles"])
            for name in _SINGLE:
                vocab, codes = meta[name]
                if name == "university":
                    lut = np.array([lab[name].code(v) if v else -1 for v in vocab] or [0], dtype=np.int32)
                else:
                    lut = np.array([lab[name].code(v) for v in vocab] or [0], dtype=np.int32)
                single[name].append(lut[codes])
            for name in _MULTI:
                vocab, flat, counts = meta[name]
                lut = np.array([lab[name].code(v) for v in vocab] or [0], dtype=np.int32)
                multi[name].append((lut[flat], counts))
            acc.add(chunk)

        parts["dictionary"] = time.perf_counter() - started
        t0 = time.perf_counter()
        done = 0

        def chunks() -> Iterator[list]:
            """The source in chunks, the time spent reading it counted apart."""
            source = _chunks(fresh(), chunk_size)
            while True:
                t = time.perf_counter()
                chunk = next(source, None)
                parts["read"] += time.perf_counter() - t
                if chunk is None:
                    return
                yield chunk

        def taken(n: int, result: _Chunk) -> None:
            nonlocal done
            take(result)
            done += n
            if progress:
                progress(done)

        if workers > 1:
            with ProcessPoolExecutor(
                max_workers=workers, initializer=_worker_init, initargs=(analyzer.config(),)
            ) as pool:
                pending = []
                for chunk in chunks():
                    pending.append((len(chunk), pool.submit(_process_chunk, chunk)))
                    while len(pending) > 2 * workers:
                        n, fut = pending.pop(0)
                        taken(n, fut.result())
                for n, fut in pending:
                    taken(n, fut.result())
        else:
            for chunk in chunks():
                taken(len(chunk), _process_chunk(chunk, analyzer))
        acc.finish()
        seen.clear()
        parts["analyse"] = time.perf_counter() - t0 - parts["read"]
        n_docs = acc.n_docs

        t_fields = time.perf_counter()

        def cat(parts: list[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        columns = {
            "kind": cat(single["kind"], np.uint8),
            "discipline": cat(single["discipline"], np.int32),
            "category": cat(single["category"], np.int32),
            "university": cat(single["university"], np.int32),
        }
        lists = {}
        for name in _MULTI:
            counts = cat([n for _, n in multi[name]], np.int64)
            ptr = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=ptr[1:])
            lists[name] = (cat([c for c, _ in multi[name]], np.int32), ptr)
        single.clear()  # the columns above hold them now
        multi.clear()
        if on_analysed is not None:
            t_callback = time.perf_counter()
            on_analysed(
                AnalysedPool(
                    n_docs=n_docs,
                    words=list(acc.word_vocab),
                    bigrams=np.fromiter(acc.bigram_vocab, dtype=np.int64, count=len(acc.bigram_vocab)),
                    sample=lambda name, stride: acc.spills[name].sample(stride),
                    labels={k: v.values for k, v in lab.items()},
                    single=columns,
                    ipc=lists["ipc"],
                )
            )
            t_fields += time.perf_counter() - t_callback  # the caller's time, not the postings'

        (tmp / "fields").mkdir()
        field_meta = {}
        for f in FIELDS:
            vocab = acc.bigram_vocab if f == BIGRAM_FIELD else acc.word_vocab
            if f == BIGRAM_FIELD:
                saved_vocab = {bigram_of_key(k): i for k, i in vocab.items()}
            else:
                saved_vocab = vocab if f == "title" else {}
            field_meta[f] = _write_field(
                acc.spills[f], tmp / "fields" / f, len(vocab), n_docs, saved_vocab, params, spill_dir / "buckets"
            )
            shutil.rmtree(acc.spills[f].path)  # written: its spill's disk space is freed at once
            del saved_vocab
        del vocab
        acc.word_vocab, acc.bigram_vocab = {}, {}  # written; not held while the index is loaded back
        parts["postings"] = time.perf_counter() - t_fields
        t_write = time.perf_counter()
        # forward index: the spill is in row order (the order of terms within a row is irrelevant)
        spill = acc.spills["forward"]
        fwd = tmp / "forward"
        fwd.mkdir()
        np.save(fwd / "indptr.npy", spill.offsets)
        terms = _NpyWriter(fwd / "terms.npy", np.int32, spill.n_postings)
        tfs = _NpyWriter(fwd / "tf.npy", np.uint16, spill.n_postings)
        for _, term, tf in spill.blocks():
            terms.write(term)
            tfs.write(np.minimum(tf, 65535))
        terms.close()
        tfs.close()
        docs = tmp / "docs"
        docs.mkdir()
        for name, strings in (("ids", ids), ("titles", titles)):
            strings.save(docs / f"{name}.npy", docs / f"{name}_off.npy")
        shutil.rmtree(spill_dir)

        for name, column in columns.items():
            np.save(docs / f"{name}.npy", column)
        for name, (codes, ptr) in lists.items():
            np.save(docs / f"{name}_indptr.npy", ptr)
            np.save(docs / f"{name}.npy", codes)
        np.save(docs / "hidden.npy", np.array(sorted(hidden), dtype=np.int64))
        (docs / "labels.json").write_text(
            json.dumps({k: v.values for k, v in lab.items()}, ensure_ascii=False), encoding="utf-8"
        )
        (tmp / "analyzer.json").write_text(json.dumps(analyzer.config(), ensure_ascii=False), encoding="utf-8")
        manifest = {
            "format_version": FORMAT_VERSION,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - t0, 3),
            "n_docs": n_docs,
            "bm25": {"k1": params.k1, "b": params.b},
            "fields": field_meta,
            "bm25s_version": bm25s.__version__,
        }
        parts["write"] += time.perf_counter() - t_write
        manifest["build_parts"] = {k: round(v, 3) for k, v in parts.items()}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        for name in KEEP_ON_REBUILD:  # e.g. the label classifier saved beside the index
            if (directory / name).is_dir():
                shutil.copytree(directory / name, tmp / name)
        _swap_dir(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return MatchIndex.load(directory)


def _swap_dir(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` (readers that already mapped the old files keep them)."""
    if target.exists():
        old = target.with_name(target.name + f".old.{os.getpid()}.{int(time.time() * 1000)}")
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, target)


def idf_weight(df: int, n: int) -> float:
    return math.log1p((n - df + 0.5) / (df + 0.5))
