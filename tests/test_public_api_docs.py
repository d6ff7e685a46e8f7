"""help(labkit.NAME) says something for every function and class a learner can import from labkit."""

import inspect

import pytest

import labkit


@pytest.mark.parametrize("name", labkit.__all__)
def test_every_exported_function_and_class_has_a_docstring(name):
    value = getattr(labkit, name)
    if not (inspect.isfunction(value) or inspect.isclass(value)):
        return  # data (EVENT_18, DFSRMIG_STATES, …) and the course module
    # its own docstring: inspect.getdoc would lend an enum the docstring of its base class
    assert (value.__doc__ or "").strip(), f"help(labkit.{name}) shows no description of its own"
