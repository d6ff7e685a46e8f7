"""The FTP explorer lists its fields once: each field redraws the panel when it changes, and the two
typed fields have their error right under them."""

from labkit.scenario import load_scenario

TYPED = {"external_address": "193.211.10.99", "passive_range": "50000-50100"}


def test_every_field_redraws_and_each_typed_fields_error_is_right_under_it():
    from labkit.widgets import FtpExplorer

    panel = FtpExplorer(load_scenario("ftp-nat-seed"))
    controls = panel.widget.children[0].children[0].children
    errors = list(panel.errors.values())
    fields = [c for c in controls if not any(c is e for e in errors)]
    assert len(fields) == 10 and len(controls) == 12
    typed = {"external_address": panel.external, "passive_range": panel.passive}
    for name, field in typed.items():
        assert controls[controls.index(field) + 1] is panel.errors[name]
    for field in fields:
        before = panel.view
        if hasattr(field, "index"):  # a choice: the next one
            field.index = (field.index + 1) % len(field.options)
        elif isinstance(field.value, bool):
            field.value = not field.value
        else:
            field.value = next(TYPED[name] for name, f in typed.items() if f is field)
        assert panel.view is not before, field.description
