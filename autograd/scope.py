"""`scope`: names the part of a model that is computing, so a drawing can group its nodes.

An `nn.Module` call enters a scope labelled like `Linear(784→300)`; each Tensor created inside
records the innermost one (`tensor._scope`), and the renderer draws each scope entered as one
block. Scopes play no part in the gradients.
"""

__all__ = ["scope", "SCOPES"]

# The scopes currently running, innermost last. Two calls of two equal layers are two scopes
# with the same label, and stay two blocks in a drawing.
SCOPES = []


class scope:
    """`with scope("Linear(784->300)"):` tags the tensors created inside with this scope.

    `str(tensor._scope)` (and `==` with a string) gives the label; `owner` is the module whose
    call entered it (None for a scope entered by hand).
    """

    __slots__ = ("label", "owner")

    def __init__(self, label, owner=None):
        self.label, self.owner = label, owner

    def __enter__(self):
        SCOPES.append(self)
        return self

    def __exit__(self, *exc):
        SCOPES.pop()

    def __str__(self):
        return self.label

    def __repr__(self):
        return f"scope({self.label!r})"

    def __eq__(self, other):
        return self is other or (isinstance(other, str) and other == self.label)

    __hash__ = object.__hash__
