"""Affinity: TF-IDF similarity of a whole call, bids, conflicts and explanations."""

from __future__ import annotations

import numpy as np
import pytest

from reviewers.affinity import (
    Bid,
    BidEffect,
    ExpertiseText,
    ProposalText,
    fit_text_model,
    score_candidates,
)

PROPOSALS = [
    ProposalText(
        "Chiplet interposer packaging",
        "Hybrid bonding and silicon interposer design for advanced packaging.",
        ("interposer", "hybrid bonding"),
    ),
    ProposalText(
        "Edge AI accelerator",
        "A low-power neural network accelerator for edge inference on RISC-V.",
        ("accelerator", "edge inference"),
    ),
]
REVIEWERS = [
    ExpertiseText("Advanced packaging, silicon interposer, hybrid bonding", ("interposer",)),
    ExpertiseText("Neural network accelerator architecture", ("accelerator", "RISC-V")),
    ExpertiseText("Marine biology of coral reefs", ("coral",)),
]


@pytest.fixture(scope="module")
def model():
    return fit_text_model(PROPOSALS, REVIEWERS)


def as_dict(cand) -> dict[tuple[int, int], float]:
    return {
        (int(p), int(r)): float(a)
        for p, r, a in zip(cand.proposal_idx, cand.reviewer_idx, cand.affinity, strict=True)
    }


def test_similarity_matches_each_proposal_with_its_expert(model):
    sim = model.similarity().toarray()

    assert sim.shape == (2, 3)
    assert sim[0].argmax() == 0
    assert sim[1].argmax() == 1
    assert sim[0, 2] == 0.0
    assert sim[1, 2] == 0.0


def test_similarity_is_cosine_in_unit_range(model):
    sim = model.similarity().toarray()

    assert np.all(sim >= 0.0)
    assert np.all(sim <= 1.0 + 1e-12)


def test_similarity_chunks_give_the_same_matrix(model):
    whole = model.similarity().toarray()

    chunked = model.similarity(chunk_rows=1).toarray()

    assert np.array_equal(whole, chunked)


def test_similarity_top_n_keeps_each_proposals_best(model):
    sim = model.similarity(top_n=1).toarray()

    assert (sim > 0).sum(axis=1).tolist() == [1, 1]
    assert sim[0, 0] > 0
    assert sim[1, 1] > 0


def test_similarity_top_n_below_one_is_refused(model):
    with pytest.raises(ValueError, match="top_n"):
        model.similarity(top_n=0)


def test_shared_terms_explain_a_pair_best_first(model):
    explanations = model.shared_terms([0, 1, 0], [0, 1, 2], n=2)

    assert len(explanations[0]) == 2
    assert "interposer" in explanations[0]
    assert "accelerator" in explanations[1]
    assert explanations[2] == ()


def test_score_candidates_without_bids_keeps_pairs_with_a_shared_term(model):
    sim = model.similarity()

    cand = score_candidates(sim)

    rows, cols = np.nonzero(sim.toarray())
    assert set(as_dict(cand)) == set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert (0, 2) not in as_dict(cand)
    assert (1, 2) not in as_dict(cand)


def test_score_candidates_all_pairs_includes_zero_similarity(model):
    cand = score_candidates(model.similarity(), all_pairs=True)

    assert as_dict(cand)[(0, 2)] == 0.0
    assert cand.size == 6


def test_score_candidates_bids_adjust_scores(model):
    sim = model.similarity()
    effects = {Bid.EAGER: BidEffect(2.0, 0.5), Bid.NOT_WILLING: BidEffect(0.0, -1.0)}

    cand = score_candidates(
        sim, bids={(0, 0): Bid.EAGER, (1, 1): "not_willing", (1, 2): "eager"}, effects=effects
    )

    scores = as_dict(cand)
    assert scores[(0, 0)] == pytest.approx(2.0 * sim[0, 0] + 0.5)
    assert scores[(1, 1)] == pytest.approx(-1.0)
    assert scores[(1, 2)] == pytest.approx(0.5)


def test_score_candidates_conflict_bid_and_forbidden_pairs_are_removed(model):
    cand = score_candidates(
        model.similarity(), bids={(0, 0): Bid.CONFLICT}, forbidden=[(1, 1)], all_pairs=True
    )

    assert (0, 0) not in as_dict(cand)
    assert (1, 1) not in as_dict(cand)
    assert cand.size == 4


def test_score_candidates_refuses_unknown_bid_or_pair(model):
    with pytest.raises(ValueError, match="Bid"):
        score_candidates(model.similarity(), bids={(0, 0): "keen"})
    with pytest.raises(ValueError, match="out of range"):
        score_candidates(model.similarity(), forbidden=[(5, 0)])


def test_fit_text_model_refuses_texts_without_terms():
    with pytest.raises(ValueError, match="no usable terms"):
        fit_text_model([ProposalText("the", "and of")], [ExpertiseText("a")])
