# Set-up and everyday commands. Everything installs into ./.venv from PyPI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench fuzz clean schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,refresh]'
	touch $(STAMP)

## make demo: price the bundled GPU training-cluster change and print the table
demo: $(STAMP)
	$(BIN)/costwarden estimate examples/training-cluster/plan.json \
		--usage examples/training-cluster/usage.yml

## make test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## make bench: speed and memory figures on generated plans, first every speed goal
## against its peer (installs checkov 3.x into its own venv under benchmarks/out/
## to time it on the same input)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_speed.py
	$(BIN)/python benchmarks/bench_estimate.py
	$(BIN)/python benchmarks/bench_check.py --setup-checkov
	$(BIN)/python benchmarks/bench_hcl.py

## make fuzz: the hostile-input fuzzer with 50,000 cases (CI runs a few thousand);
## FUZZ_SEED=N replays a run, FUZZ_EXAMPLES=N changes the budget
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-50000} $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/adversarial/test_adversarial_fuzz.py

clean:
	rm -rf $(VENV) build *.egg-info benchmarks/out
