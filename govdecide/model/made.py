"""An attribute among a model's PuLP objects: reading it makes them first.

A large ``AllocationModel`` makes its PuLP objects only when something asks for them (or
while HiGHS solves its arrays, ``formulation``); this descriptor is how asking works, so
that code using the objects never sees a model whose objects are not made yet.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar, overload

T = TypeVar("T")


class Materializes(Protocol):
    """An object that makes its PuLP objects on demand (``AllocationModel``)."""

    def materialize(self) -> None: ...


class Made(Generic[T]):
    """An attribute among a model's PuLP objects: reading it makes them first.

    ``model.x`` reads ``model._x`` after ``model.materialize()``.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.private = "_" + name

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Made[T]: ...
    @overload
    def __get__(self, obj: Materializes, objtype: type | None = None) -> T: ...
    def __get__(self, obj: Materializes | None, objtype: type | None = None) -> object:
        """The descriptor itself on the class; on a model, the object once made."""
        if obj is None:
            return self
        obj.materialize()
        return getattr(obj, self.private)
