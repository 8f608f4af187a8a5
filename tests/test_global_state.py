"""``threadscope.analyze()``, and handing its themes to BERTopic, leave the interpreter as they found it.

Environment, modules, torch's threads and seed, numpy's global random state.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import shared_file

# Runs in a fresh interpreter so that "what was imported before" is known. scikit-learn
# (KMP_DUPLICATE_LIB_OK, KMP_INIT_AT_FORK) and sentence-transformers (TORCHINDUCTOR_CACHE_DIR,
# through torch._dynamo) set environment variables when they are first imported; that is
# theirs, not threadscope's, so they are imported before the snapshot, as in any notebook
# that has used them. Everything threadscope itself does must then leave no trace.
SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import numpy, sklearn, torch
    if sys.argv[3] == "sentence-transformers":
        import sentence_transformers
    if sys.argv[3] == "bertopic":
        import bertopic
    import threadscope
    from threadscope.analysis.embed import default_model_path

    torch.set_num_threads(1)  # a caller's own choices, which threadscope must keep
    torch.manual_seed(1234)
    environ = dict(os.environ)
    modules = dict(sys.modules)
    rng = torch.get_rng_state()
    np_rng = numpy.random.get_state()

    model = str(default_model_path()) if sys.argv[3] == "sentence-transformers" else None
    result = threadscope.analyze(sys.argv[1], data_dir=sys.argv[2], model=model, themes="tracking, popup windows")
    if sys.argv[3] == "bertopic":  # the themes handed to BERTopic, and one of its tools run on them
        result.bertopic().topics_per_class()

    changed = {k: v for k, v in modules.items() if sys.modules.get(k, "gone") is not v}
    print(json.dumps({
        "environ": {k: [environ.get(k), os.environ.get(k)] for k in set(environ) | set(os.environ)
                    if environ.get(k) != os.environ.get(k)},
        "modules_changed_or_gone": sorted(changed),
        "modules_hidden": sorted(k for k, v in sys.modules.items() if v is None and k not in modules),
        "threads": torch.get_num_threads(),
        "rng_unchanged": bool(torch.equal(rng, torch.get_rng_state())),
        "numpy_rng_unchanged": all(
            bool(numpy.array_equal(a, b)) for a, b in zip(np_rng, numpy.random.get_state(), strict=True)
        ),
    }))
    """
)


@pytest.mark.model
@pytest.mark.parametrize("path", ["packaged", "sentence-transformers", "bertopic"])
def test_analyze_changes_nothing_global(path: str, tmp_path: Path) -> None:
    thread = shared_file("hn/items/27145911.json")
    # no HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE: offline must come from threadscope's own calls
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "TOKENIZERS_"))}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(thread), str(tmp_path), path],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state == {
        "environ": {},
        "modules_changed_or_gone": [],
        "modules_hidden": [],
        "threads": 1,
        "rng_unchanged": True,
        "numpy_rng_unchanged": True,
    }
