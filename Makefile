# The two commands (see README.md). Both install what they need first.
.PHONY: run test
run:
	./scripts/run.sh
test:
	./scripts/test.sh
