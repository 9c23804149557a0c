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

import json
from collections.abc import Iterable, Mapping
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
        vocab: dict[str, int] = {}
        labels: dict[str, int] = {}
        rows, cols, vals = [], [], []
        label_weight: dict[str, float] = {}
        label_docs: dict[str, int] = {}
        for toks, label, w in examples:
            if not label or not toks:
                continue
            c = labels.setdefault(label, len(labels))
            label_weight[label] = label_weight.get(label, 0.0) + w
            label_docs[label] = label_docs.get(label, 0) + 1
            for t in toks:
                rows.append(vocab.setdefault(t, len(vocab)))
                cols.append(c)
                vals.append(w)
        keep = [lab for lab in labels if label_docs[lab] >= min_label_docs]
        if not keep:
            return None
        counts = sp.coo_matrix((vals, (rows, cols)), shape=(len(vocab), len(labels))).tocsc()
        counts = counts[:, [labels[lab] for lab in keep]].toarray().astype(np.float64)
        v = len(vocab)
        lik = np.log((counts + alpha) / (counts.sum(axis=0, keepdims=True) + alpha * (v + 1)))
        unseen = np.log(alpha / (counts.sum(axis=0) + alpha * (v + 1)))
        log_lik = np.vstack([lik, unseen[None, :]]).astype(np.float32)
        weights = np.array([label_weight[lab] for lab in keep])
        log_prior = np.log(weights / weights.sum()).astype(np.float32)
        return cls(keep, vocab, log_prior, log_lik)

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
        for space, pairs in (extra or {}).items():
            for text, label in pairs:
                lab = ipc_class(label) if space == "ipc" else label
                if lab:
                    ex[space].append((_features(analyzer, text, query=False), lab, 1.0))
        models = {s: NaiveBayes.train(e, alpha=alpha) for s, e in ex.items() if e}
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
