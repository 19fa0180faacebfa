"""Schemathesis hooks of .ci/schemathesis.sh (loaded through SCHEMATHESIS_HOOKS).

multipart/form-data carries text only: a negative case that turns a string field of a multipart
body into a boolean or a number sends the text `true` or `1.5`, which is a valid string, and
the server rightly takes it. Schemathesis reads such a body back as text and lets it pass,
except when the body also has a file part (it cannot re-validate the file's bytes), so those
cases are dropped here. Every other failure is kept.
"""

import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.mutations import OperatorKind
from schemathesis.core.parameters import ParameterLocation

# Types whose values are sent in a multipart part as text that a string also is.
TEXT_ON_THE_WIRE = {"boolean", "number", "integer"}


def _text_of_a_string(mutation) -> bool:
    return (
        mutation.operator == OperatorKind.CHANGE_TYPE
        and mutation.parameter_location == ParameterLocation.BODY
        and mutation.original_value == "string"
        and mutation.new_value in TEXT_ON_THE_WIRE
    )


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    if not isinstance(failure, AcceptedNegativeData):
        return True
    if not (case.media_type or "").startswith("multipart/form-data") or case.meta is None:
        return True
    if any(location != ParameterLocation.BODY and case.meta.is_negative_at(location) for location in ParameterLocation):
        return True
    mutations = getattr(case.meta.phase.data, "mutations", None)
    return not (mutations and all(_text_of_a_string(m) for m in mutations))
