"""A small multinomial naive Bayes classifier for the label spaces of the resource pool.

Label spaces: ``category`` (13 门类 of CSL), ``discipline`` (first-level disciplines) and
``ipc`` (IPC classes, the first three characters such as "G06").  Trained on whatever labelled
text is at hand: the achievements' own labels (paper → category/discipline, patent → IPC) and
extra labelled titles (``csl_titles_train.tsv``).  Features are the analyzer's words and
bigrams.  Used by the ranker to tell which field a need belongs to, so results from the same
field are preferred, and by explanations ("shared discipline").

Posteriors are tempered: naive Bayes multiplies one likelihood per token, which makes its
posteriors on a 100-character need absurdly confident.  We use the mean per-token
log-likelihood (times ``temperature_tokens``, i.e. as if the text had that many independent
tokens) so the posterior stays a usable soft score.

numpy + scipy only; no Django imports.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .analysis import Analyzer

SPACES = ("category", "discipline", "ipc")


def ipc_class(code: str) -> str:
    """IPC class of a code: "G06F 17/30" → "G06"."""
    code = (code or "").strip().upper()
    return code[:3] if len(code) >= 3 else ""


def _features(analyzer: Analyzer, text: str, *, query: bool) -> list[str]:
    a = analyzer.analyze(text, query=query)
    return a.words + ["#" + b for b in a.bigrams]


class NaiveBayes:
    """Multinomial NB over one label space."""

    def __init__(self, labels: list[str], vocab: dict[str, int], log_prior: np.ndarray, log_lik: np.ndarray) -> None:
        self.labels = labels
        self.vocab = vocab
        self.log_prior = log_prior  # (C,)
        self.log_lik = log_lik  # (V+1, C); last row: unseen feature
        self.index = {lab: i for i, lab in enumerate(labels)}

    @classmethod
    def train(
        cls, examples: Iterable[tuple[list[str], str, float]], *, alpha: float = 0.1, min_label_docs: int = 3
    ) -> NaiveBayes | None:
        """``examples``: (feature tokens, label, weight).  None when no label has at least
        ``min_label_docs`` examples."""
        return LabelCounts.from_examples(examples).model(alpha=alpha, min_label_docs=min_label_docs)

    def posterior(self, tokens: list[str], *, temperature_tokens: float = 8.0) -> np.ndarray:
        """Tempered posterior over labels (sums to 1); the prior when no token is known."""
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids:
            logp = self.log_prior.astype(np.float64)
        else:
            ll = self.log_lik[ids].astype(np.float64).mean(axis=0)
            logp = self.log_prior + temperature_tokens * ll
        logp = logp - logp.max()
        p = np.exp(logp)
        return p / p.sum()

    def to_arrays(self) -> dict:
        return {"log_prior": self.log_prior, "log_lik": self.log_lik}


@dataclass
class LabelCounts:
    """What multinomial naive Bayes learns from one label space, before smoothing: the weighted
    count of each feature under each label, and each label's weight and number of examples.

    Counts add up, so the part learned from data that does not change (the shipped labelled
    titles) is kept between builds (:func:`extra_counts`) and the part learned from the pool is
    read from the index's own arrays (:func:`pool_counts`), then the two are merged."""

    features: list[str]
    labels: list[str]
    counts: sp.csr_matrix  # (features, labels), float64
    label_weight: np.ndarray  # (labels,) float64
    label_docs: np.ndarray  # (labels,) int64

    @classmethod
    def from_examples(cls, examples: Iterable[tuple[list[str], str, float]]) -> LabelCounts:
        vocab: dict[str, int] = {}
        labels: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        weight: list[float] = []
        docs: list[int] = []
        for toks, label, w in examples:
            if not label or not toks:
                continue
            c = labels.setdefault(label, len(labels))
            if c == len(weight):
                weight.append(0.0)
                docs.append(0)
            weight[c] += w
            docs[c] += 1
            ids = [vocab.setdefault(t, len(vocab)) for t in toks]
            rows.extend(ids)
            cols.extend([c] * len(ids))
            vals.extend([w] * len(ids))
        counts = sp.coo_matrix(
            (np.asarray(vals, dtype=np.float64), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(vocab), len(labels)),
        ).tocsr()
        return cls(list(vocab), list(labels), counts, np.asarray(weight, dtype=np.float64), np.asarray(docs, np.int64))

    @classmethod
    def empty(cls) -> LabelCounts:
        return cls([], [], sp.csr_matrix((0, 0)), np.zeros(0), np.zeros(0, dtype=np.int64))

    def merged(self, other: LabelCounts) -> LabelCounts:
        """The counts of both (features and labels united, in first-seen order)."""
        fidx = {f: i for i, f in enumerate(self.features)}
        features = list(self.features)
        for f in other.features:
            if f not in fidx:
                fidx[f] = len(features)
                features.append(f)
        lidx = {lab: i for i, lab in enumerate(self.labels)}
        labels = list(self.labels)
        for lab in other.labels:
            if lab not in lidx:
                lidx[lab] = len(labels)
                labels.append(lab)
        shape = (len(features), len(labels))

        def placed(part: LabelCounts) -> sp.csr_matrix:
            coo = part.counts.tocoo()
            frow = np.array([fidx[f] for f in part.features], dtype=np.int64)
            lcol = np.array([lidx[lab] for lab in part.labels], dtype=np.int64)
            return sp.csr_matrix((coo.data, (frow[coo.row], lcol[coo.col])), shape=shape)

        weight = np.zeros(len(labels))
        docs = np.zeros(len(labels), dtype=np.int64)
        for part in (self, other):
            cols = [lidx[lab] for lab in part.labels]
            weight[cols] += part.label_weight
            docs[cols] += part.label_docs
        return LabelCounts(features, labels, placed(self) + placed(other), weight, docs)

    def model(self, *, alpha: float = 0.1, min_label_docs: int = 3) -> NaiveBayes | None:
        keep = [c for c in range(len(self.labels)) if self.label_docs[c] >= min_label_docs]
        if not keep:
            return None
        counts = self.counts[:, keep].toarray().astype(np.float64)
        v = len(self.features)
        lik = np.log((counts + alpha) / (counts.sum(axis=0, keepdims=True) + alpha * (v + 1)))
        unseen = np.log(alpha / (counts.sum(axis=0) + alpha * (v + 1)))
        log_lik = np.vstack([lik, unseen[None, :]]).astype(np.float32)
        weights = self.label_weight[keep]
        log_prior = np.log(weights / weights.sum()).astype(np.float32)
        vocab = {f: i for i, f in enumerate(self.features)}
        return NaiveBayes([self.labels[c] for c in keep], vocab, log_prior, log_lik)

    # -- persistence (the kept part) -------------------------------------------------------------

    def save(self, directory: Path, space: str) -> None:
        coo = self.counts.tocoo()
        np.savez(
            directory / f"{space}.npz",
            row=coo.row.astype(np.int32),
            col=coo.col.astype(np.int32),
            data=coo.data,
            label_weight=self.label_weight,
            label_docs=self.label_docs,
        )
        (directory / f"{space}.json").write_text(
            json.dumps({"features": self.features, "labels": self.labels}, ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, space: str) -> LabelCounts:
        names = json.loads((directory / f"{space}.json").read_text(encoding="utf-8"))
        with np.load(directory / f"{space}.npz") as z:
            shape = (len(names["features"]), len(names["labels"]))
            counts = sp.csr_matrix((z["data"], (z["row"], z["col"])), shape=shape)
            return cls(names["features"], names["labels"], counts, z["label_weight"], z["label_docs"])


class LabelClassifier:
    """One :class:`NaiveBayes` per label space, sharing an analyzer."""

    def __init__(self, models: Mapping[str, NaiveBayes], analyzer: Analyzer, temperature_tokens: float = 8.0) -> None:
        self.models = dict(models)
        self.analyzer = analyzer
        self.temperature_tokens = temperature_tokens

    @classmethod
    def train(
        cls,
        analyzer: Analyzer,
        records: Iterable[Mapping] = (),
        extra: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        *,
        alpha: float = 0.1,
    ) -> LabelClassifier:
        """Train from achievement records (title + keywords + abstract → their category,
        discipline and IPC classes) and ``extra`` labelled texts ``{space: [(text, label)]}``."""
        ex: dict[str, list[tuple[list[str], str, float]]] = {s: [] for s in SPACES}
        for r in records:
            text = " ".join([r.get("title") or "", " ".join(r.get("keywords") or []), r.get("abstract") or ""])
            feats = None
            for space in ("category", "discipline"):
                if r.get(space):
                    feats = feats or _features(analyzer, text, query=False)
                    ex[space].append((feats, r[space], 1.0))
            classes = sorted({ipc_class(c) for c in (r.get("ipc") or []) if ipc_class(c)})
            if classes:
                feats = feats or _features(analyzer, text, query=False)
                for c in classes:
                    ex["ipc"].append((feats, c, 1.0 / len(classes)))
        counts = {s: LabelCounts.from_examples(e) for s, e in ex.items() if e}
        for space, part in extra_counts(analyzer, extra).items():
            counts[space] = counts[space].merged(part) if space in counts else part
        return cls.from_counts(analyzer, counts, alpha=alpha)

    @classmethod
    def from_counts(
        cls, analyzer: Analyzer, counts: Mapping[str, LabelCounts], *, alpha: float = 0.1
    ) -> LabelClassifier:
        models = {s: c.model(alpha=alpha) for s, c in counts.items()}
        return cls({s: m for s, m in models.items() if m is not None}, analyzer)

    def predict(self, text: str) -> dict[str, dict[str, float]]:
        """``{space: {label: probability}}`` for a need text (analysed as a query)."""
        feats = _features(self.analyzer, text, query=True)
        return self.predict_tokens(feats)

    def predict_tokens(self, feats: list[str]) -> dict[str, dict[str, float]]:
        out = {}
        for space, m in self.models.items():
            p = m.posterior(feats, temperature_tokens=self.temperature_tokens)
            out[space] = {m.labels[i]: float(p[i]) for i in range(len(p))}
        return out

    # -- persistence ---------------------------------------------------------------------------

    def save(self, directory: str | Path) -> None:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        meta = {"temperature_tokens": self.temperature_tokens, "spaces": {}}
        for space, m in self.models.items():
            np.save(d / f"{space}_log_prior.npy", m.log_prior)
            np.save(d / f"{space}_log_lik.npy", m.log_lik)
            meta["spaces"][space] = {"labels": m.labels, "vocab": list(m.vocab)}
        (d / "classifier.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path, analyzer: Analyzer) -> LabelClassifier:
        d = Path(directory)
        meta = json.loads((d / "classifier.json").read_text(encoding="utf-8"))
        models = {}
        for space, info in meta["spaces"].items():
            vocab = {t: i for i, t in enumerate(info["vocab"])}
            models[space] = NaiveBayes(
                info["labels"], vocab, np.load(d / f"{space}_log_prior.npy"), np.load(d / f"{space}_log_lik.npy")
            )
        return cls(models, analyzer, meta.get("temperature_tokens", 8.0))


# --- learning once what does not change, and from the index what does ---------------------------

TRAINING_VERSION = 1  # bump when the features or the counting change: kept counts are then relearned


def extra_counts(analyzer: Analyzer, extra: Mapping[str, Iterable[tuple[str, str]]] | None) -> dict[str, LabelCounts]:
    """Counts learned from labelled texts ``{space: [(text, label)]}`` (the shipped CSL titles)."""
    out = {}
    for space, pairs in (extra or {}).items():
        examples = []
        for text, label in pairs:
            lab = ipc_class(label) if space == "ipc" else label
            if lab:
                examples.append((_features(analyzer, text, query=False), lab, 1.0))
        if examples:
            out[space] = LabelCounts.from_examples(examples)
    return out


def training_key(analyzer: Analyzer, extra: Mapping[str, Iterable[tuple[str, str]]]) -> str:
    """A digest of everything the labelled texts' counts depend on: the texts and labels, and the
    analyzer's segmentation (its dictionary; learned boilerplate only affects queries)."""
    h = hashlib.sha256()
    cfg = analyzer.config()
    head = {"version": TRAINING_VERSION, **{k: v for k, v in cfg.items() if k != "boilerplate"}}
    h.update(json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    for space in sorted(extra):
        h.update(b"\x00space\x00" + space.encode("utf-8"))
        for text, label in extra[space]:
            h.update(f"{text}\x1f{label}\x1e".encode())
    return h.hexdigest()


def kept_extra_counts(
    analyzer: Analyzer, extra: Mapping[str, Iterable[tuple[str, str]]] | None, directory: str | Path
) -> tuple[dict[str, LabelCounts], bool]:
    """:func:`extra_counts`, learned once and kept in ``directory`` under the digest of their
    training data (:func:`training_key`): a build with the same labelled texts and the same
    dictionary reads them back instead of analysing the texts again.  Returns the counts and
    whether they were read back.  Only the latest digest is kept."""
    extra = {s: list(p) for s, p in (extra or {}).items()}
    if not extra:
        return {}, False
    key = training_key(analyzer, extra)
    root = Path(directory)
    kept = root / key
    if (kept / "spaces.json").is_file():
        spaces = json.loads((kept / "spaces.json").read_text(encoding="utf-8"))
        return {s: LabelCounts.load(kept, s) for s in spaces}, True
    counts = extra_counts(analyzer, extra)
    tmp = root / f".{key}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for space, part in counts.items():
        part.save(tmp, space)
    (tmp / "spaces.json").write_text(json.dumps(sorted(counts)), encoding="utf-8")
    for old in root.iterdir():
        if old.is_dir() and old != tmp:
            shutil.rmtree(old, ignore_errors=True)
    tmp.replace(kept)
    return counts, False


def pool_counts(pool, max_records: int = 50_000) -> dict[str, LabelCounts]:
    """Counts learned from the pool's own labels (paper → category and discipline, patent → IPC
    classes) over an even sample of at most ``max_records`` documents, read from the term
    frequencies the index builder already has (``index.AnalysedPool``): the same features as
    :meth:`LabelClassifier.train` on the records (words of title, keywords and abstract, and their
    bigrams), without analysing the texts a second time.  Linear in the sample's postings: no sort."""
    n = pool.n_docs
    if n == 0:
        return {}
    stride = max(1, -(-n // max(max_records, 1)))
    n_words = len(pool.words)
    fdoc, fterm, ftf = pool.sample("forward", stride)
    bdoc, bterm, btf = pool.sample("bigram", stride)
    # int32 throughout (scipy stores the matrices' indices as int32 anyway); the weights become
    # float64 only for the postings a label space counts
    doc = np.concatenate([fdoc, bdoc]).astype(np.int32)
    feat = np.concatenate([fterm, bterm.astype(np.int64) + n_words]).astype(np.int32)
    tf = np.concatenate([ftf, btf]).astype(np.int32)
    del fdoc, fterm, ftf, bdoc, bterm, btf
    sampled = np.zeros(n, dtype=bool)
    sampled[doc] = True  # sampled documents with at least one feature
    n_features = n_words + len(pool.bigrams)

    def names(ids: np.ndarray) -> list[str]:
        words = ids[ids < n_words].tolist()
        keys = np.asarray(pool.bigrams)[ids[ids >= n_words] - n_words].astype(np.int64)
        pairs = np.stack([keys >> 21, keys & 0x1FFFFF], axis=1).astype("<u4").view("<U2").ravel().tolist()
        return [pool.words[i] for i in words] + ["#" + b for b in pairs]

    def counted(pfeat: np.ndarray, weight: np.ndarray, label: np.ndarray, labels, docs_of):
        """Counts from postings already expanded to (feature, weight × tf, label)."""
        used = np.zeros(n_features, dtype=bool)
        used[pfeat] = True
        ufeat = np.flatnonzero(used)
        row = (np.cumsum(used, dtype=np.int32) - 1)[pfeat]
        ulab = np.flatnonzero(np.bincount(label, minlength=len(labels)))
        col_of = np.full(len(labels), -1, dtype=np.int32)
        col_of[ulab] = np.arange(len(ulab))
        counts = sp.csr_matrix((weight, (row, col_of[label])), shape=(len(ufeat), len(ulab)), dtype=np.float64)
        d_lab, d_w = docs_of
        return LabelCounts(
            names(ufeat),
            [labels[c] for c in ulab.tolist()],
            counts,
            np.bincount(col_of[d_lab], weights=d_w, minlength=len(ulab)),
            np.bincount(col_of[d_lab], minlength=len(ulab)).astype(np.int64),
        )

    out: dict[str, LabelCounts] = {}
    for space in ("category", "discipline"):
        codes = np.asarray(pool.single[space]).astype(np.int32)
        labelled = sampled & (codes > 0)  # code 0 is the empty label
        keep = labelled[doc]
        if keep.any():
            docs = np.flatnonzero(labelled)
            out[space] = counted(
                feat[keep],
                tf[keep].astype(np.float64),
                codes[doc[keep]],
                pool.labels[space],
                (codes[docs], np.ones(len(docs))),
            )
        del keep
    ipc_codes, ipc_ptr = pool.ipc
    values = pool.labels["ipc"]
    classes = sorted({ipc_class(v) for v in values} - {""})
    if classes and len(ipc_codes):
        index = {c: i for i, c in enumerate(classes)}
        cls_of = np.array([index.get(ipc_class(v), -1) for v in values], dtype=np.int64)
        owner = np.repeat(np.arange(n), np.diff(np.asarray(ipc_ptr)))
        c = cls_of[np.asarray(ipc_codes)]
        ok = (c >= 0) & sampled[owner]
        pairs = np.unique(owner[ok] * len(classes) + c[ok])  # distinct (document, class), by document
        pdoc, pcls = pairs // len(classes), pairs % len(classes)
        if len(pdoc):
            per_doc = np.bincount(pdoc, minlength=n)
            start = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(per_doc, out=start[1:])
            k = per_doc[doc]  # classes of each posting's document
            rep = np.repeat(np.arange(len(doc)), k)
            offset = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
            pos = start[doc[rep]] + offset
            w = 1.0 / per_doc[pdoc]
            out["ipc"] = counted(feat[rep], tf[rep] * w[pos], pcls[pos], classes, (pcls, w))
    return out
