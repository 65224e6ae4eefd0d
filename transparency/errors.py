"""The exceptions of `transparency`: a message code with parameters, as the rest of CoFund speaks.

Every refusal names its rule (`merkle.proof.wrong_length`, `note.signature.invalid`,
`witness.checkpoint.fork`) and the values that broke it; the application renders `code` and
`params` in the reader's language. The English text of the exception is for logs only.
"""

from __future__ import annotations

from collections.abc import Mapping


class TransparencyError(ValueError):
    """Base of every refusal in this package; `code` names the rule, `params` its values."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params
        detail = ", ".join(f"{name}={value!r}" for name, value in params.items())
        super().__init__(f"{code} ({detail})" if detail else code)


class ProofError(TransparencyError):
    """A Merkle proof that does not verify, or a proof asked for outside the tree."""


class TreeStateError(TransparencyError):
    """A stored tree state that cannot be the right edge of any tree (`merkle.state.*`)."""


class NoteError(TransparencyError):
    """A signed note, key or checkpoint that is malformed or whose signatures do not verify."""


class WitnessRefusal(TransparencyError):
    """The witness will not cosign this checkpoint; its state stays as it was."""
