"""The troubleshooting lab's settings lines read ports as the kit's one PortRange does (issue 11,
items 3 and 12): ASCII digits only, so Arabic-Indic digits are refused with the usual message
instead of becoming a port forward; a timeout likewise takes ASCII digits only."""

import labkit
from labkit.labs.grading import grade

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_forwarded_range_in_arabic_indic_digits_is_refused_not_applied():
    lab = labkit.challenge("ftp-passive-range", seed="Eve")
    first, last = lab.fix[0].split()[-1].split("-")
    assert grade(lab, [lab.fix[0]]).passed
    answer = f"firewall forward {first.translate(ARABIC_INDIC)}-{last.translate(ARABIC_INDIC)}"
    result = grade(lab, [answer])
    assert not result.passed and "FIRST-LAST" in result.message


def test_the_forward_range_is_checked_for_order_and_bounds_in_one_line():
    lab = labkit.challenge("ftp-passive-range", seed="Eve")
    for bad in ("51999-51976", "0-10", "65000-70000", "lots"):
        message = grade(lab, [f"firewall forward {bad}"]).message
        assert "FIRST-LAST" in message and "\n" not in message, bad


def test_a_timeout_in_arabic_indic_digits_is_refused():
    lab = labkit.challenge("ftp-passive-range", seed="Eve")
    message = grade(lab, ["client timeout ٣٠"]).message
    assert "number of seconds" in message
