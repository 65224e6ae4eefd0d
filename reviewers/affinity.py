"""Affinity of (proposal, reviewer) pairs: TF-IDF text similarity combined with bids.

One TF-IDF model is fitted on the whole call (proposals and reviewer profiles together, so the
inverse document frequencies are the call's own), then every proposal is compared with every
reviewer by sparse matrix products in row chunks. Bids then adjust the scores, and a conflict
bid, like any forbidden pair, removes the pair altogether.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from reviewers.candidates import Candidates, IntArray


class Bid(StrEnum):
    """A reviewer's bid on a proposal."""

    EAGER = "eager"
    WILLING = "willing"
    NOT_WILLING = "not_willing"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class ProposalText:
    """The proposal text that counts for matching (English fields)."""

    title: str
    abstract: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ExpertiseText:
    """A reviewer's declared expertise."""

    expertise: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BidEffect:
    """score = text similarity × factor + bonus."""

    factor: float = 1.0
    bonus: float = 0.0


# Cosine similarities of short texts sit mostly in 0..0.4, so a bonus of 0.3 lets an eager
# bid outweigh a modest text match without drowning a strong one.
DEFAULT_BID_EFFECTS: Mapping[Bid, BidEffect] = MappingProxyType(
    {
        Bid.EAGER: BidEffect(1.0, 0.3),
        Bid.WILLING: BidEffect(1.0, 0.1),
        Bid.NOT_WILLING: BidEffect(0.5, -0.1),
    }
)


@dataclass(frozen=True, eq=False)
class TextModel:
    """TF-IDF rows (L2-normalised) of a call's proposals and reviewers, over one vocabulary."""

    proposals: sparse.csr_matrix
    reviewers: sparse.csr_matrix
    terms: np.ndarray

    def similarity(self, top_n: int | None = None, chunk_rows: int = 500) -> sparse.csr_matrix:
        """Cosine similarity, P×R sparse; with `top_n`, only each proposal's best reviewers.

        Computed in chunks of proposals so a large call never holds a dense P×R matrix.
        Raises ValueError when top_n is below 1.
        """
        if top_n is not None and top_n < 1:
            raise ValueError("top_n must be at least 1")
        reviewers_t = self.reviewers.T.tocsc()
        blocks = []
        for lo in range(0, self.proposals.shape[0], chunk_rows):
            block = (self.proposals[lo : lo + chunk_rows] @ reviewers_t).tocsr()
            blocks.append(block if top_n is None else _keep_top(block, top_n))
        if not blocks:
            return sparse.csr_matrix((0, self.reviewers.shape[0]))
        return sparse.vstack(blocks, format="csr")

    def shared_terms(
        self, proposal_idx: Sequence[int], reviewer_idx: Sequence[int], n: int = 3
    ) -> list[tuple[str, ...]]:
        """Per pair, the n terms contributing most to its similarity, best first."""
        products = (
            self.proposals[list(proposal_idx)].multiply(self.reviewers[list(reviewer_idx)]).tocsr()
        )
        result = []
        for row in range(products.shape[0]):
            lo, hi = products.indptr[row], products.indptr[row + 1]
            data, cols = products.data[lo:hi], products.indices[lo:hi]
            # Ties broken by term so the explanation is stable across runs.
            order = np.lexsort((self.terms[cols], -data))[:n]
            result.append(tuple(str(t) for t in self.terms[cols[order]]))
        return result


def fit_text_model(
    proposals: Sequence[ProposalText], reviewers: Sequence[ExpertiseText]
) -> TextModel:
    """Fit TF-IDF on the call's proposals and reviewers in one pass.

    Titles and keywords are repeated so they weigh more than abstract prose. Raises ValueError
    when the texts hold no usable term at all.
    """
    docs = [_proposal_doc(p) for p in proposals] + [_expertise_doc(r) for r in reviewers]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(docs).tocsr()
    except ValueError as exc:  # scikit-learn's "empty vocabulary"
        raise ValueError(f"no usable terms in the proposals and expertise: {exc}") from exc
    n = len(proposals)
    return TextModel(matrix[:n], matrix[n:], vectorizer.get_feature_names_out())


def score_candidates(
    similarity: sparse.spmatrix | sparse.sparray,
    *,
    bids: Mapping[tuple[int, int], Bid | str] | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
    effects: Mapping[Bid, BidEffect] = DEFAULT_BID_EFFECTS,
    all_pairs: bool = False,
) -> Candidates:
    """Turn similarities and bids into the solver's candidate pairs.

    Candidates are the pairs with a similarity, plus every pair with a bid (plus every other
    pair with `all_pairs`, for small calls where a reviewer sharing no term may still serve),
    minus forbidden pairs and conflict bids. Raises ValueError on an unknown bid or a pair
    out of range.
    """
    sim = sparse.coo_matrix(similarity)
    sim.sum_duplicates()
    n_p, n_r = sim.shape
    dense_keys = _all_keys(n_p, n_r) if all_pairs else np.zeros(0, dtype=np.int64)
    bid_keys, bid_kinds = _bid_arrays(bids or {}, n_p, n_r)
    keys = np.union1d(np.union1d(sim.row * n_r + sim.col, dense_keys), bid_keys)
    text = _lookup(sim.row * n_r + sim.col, sim.data, keys)
    factor, bonus = _bid_effects(keys, bid_keys, bid_kinds, effects)
    banned = np.union1d(_pair_keys(forbidden, n_p, n_r), bid_keys[bid_kinds == _CONFLICT])
    keep = ~np.isin(keys, banned)
    keys = keys[keep]
    affinity = (text * factor + bonus)[keep]
    return Candidates.from_coo(keys // max(n_r, 1), keys % max(n_r, 1), affinity, n_p, n_r)


_BIDS = list(Bid)
_CONFLICT = _BIDS.index(Bid.CONFLICT)


def _keep_top(block: sparse.csr_matrix, n: int) -> sparse.csr_matrix:
    """Keep each row's n largest positive entries.

    A chunk is made dense for argpartition: sorting the sparse entries instead is ten times
    slower, and a chunk of rows × reviewers stays small (500 × 15,000 floats is 60 MB).
    """
    dense = block.toarray()
    n = min(n, dense.shape[1])
    if n == 0:
        return sparse.csr_matrix(block.shape)
    cols = np.argpartition(-dense, n - 1, axis=1)[:, :n]
    values = np.take_along_axis(dense, cols, axis=1).ravel()
    rows = np.repeat(np.arange(dense.shape[0]), n)
    keep = values > 0
    return sparse.csr_matrix((values[keep], (rows[keep], cols.ravel()[keep])), shape=block.shape)


def _all_keys(n_p: int, n_r: int) -> IntArray:
    return np.arange(n_p * n_r, dtype=np.int64)


def _pair_keys(pairs: Iterable[tuple[int, int]], n_p: int, n_r: int) -> IntArray:
    arr = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    if arr.size and (arr.min() < 0 or arr[:, 0].max() >= n_p or arr[:, 1].max() >= n_r):
        raise ValueError("a (proposal, reviewer) pair is out of range")
    keys: IntArray = arr[:, 0] * n_r + arr[:, 1]
    return keys


def _bid_arrays(
    bids: Mapping[tuple[int, int], Bid | str], n_p: int, n_r: int
) -> tuple[IntArray, IntArray]:
    """Bid pairs as sorted keys, with each bid's index in `_BIDS`."""
    keys = _pair_keys(bids.keys(), n_p, n_r)
    kinds = np.array([_BIDS.index(Bid(v)) for v in bids.values()], dtype=np.int64)
    order = np.argsort(keys)
    return keys[order], kinds[order]


def _lookup(src_keys: IntArray, src_values: np.ndarray, keys: IntArray) -> np.ndarray:
    """src_values at keys, 0 where a key is absent."""
    if src_keys.size == 0:
        return np.zeros(keys.size)
    order = np.argsort(src_keys)
    sorted_keys = src_keys[order]
    pos = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    found = sorted_keys[pos] == keys
    return np.where(found, src_values[order][pos], 0.0)


def _bid_effects(
    keys: IntArray, bid_keys: IntArray, bid_kinds: IntArray, effects: Mapping[Bid, BidEffect]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair factor and bonus; pairs without a bid keep factor 1 and bonus 0."""
    table = [effects.get(b, BidEffect()) for b in _BIDS]
    kind_of_pair = _lookup(bid_keys, bid_kinds + 1.0, keys).astype(np.int64) - 1
    has_bid = kind_of_pair >= 0
    factor = np.ones(keys.size)
    bonus = np.zeros(keys.size)
    factor[has_bid] = np.array([e.factor for e in table])[kind_of_pair[has_bid]]
    bonus[has_bid] = np.array([e.bonus for e in table])[kind_of_pair[has_bid]]
    return factor, bonus


def _proposal_doc(p: ProposalText) -> str:
    keywords = " ".join(p.keywords)
    return f"{p.title} {p.title} {p.abstract} {keywords} {keywords}"


def _expertise_doc(r: ExpertiseText) -> str:
    keywords = " ".join(r.keywords)
    return f"{r.expertise} {keywords} {keywords}"
