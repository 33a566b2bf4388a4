# The two commands (see README.md). Both install what they need first.
.PHONY: run test check test-core test-store test-sqlite e2e bench fuzz
run:
	./scripts/run.sh
test:
	./scripts/test.sh

# The development loop (tools from `make run` or `make test` already installed).
# rustfmt and clippy on both feature sets (server, and the browser's wasm32).
check:
	cargo fmt --all --check
	cargo clippy --all-targets --locked -- -D warnings
	cargo clippy -p laurel-app -p laurel-frontend --target wasm32-unknown-unknown --locked -- -D warnings
# The core library's tests: no database, no server.
test-core:
	cargo test -p laurel --locked
# The store's and the services' suites (SQLite and PostgreSQL; no Leptos is
# compiled, so a store change is tested in seconds).
test-store:
	cargo test -p laurel-store -p laurel-service --locked
# Every cargo test that needs no PostgreSQL server (SQLite only).
test-sqlite:
	cargo test --locked -- --skip postgres
# Playwright against the site already built by `cargo leptos build --release
# --precompress` (the bundle test wants its .br and .gz files).
e2e:
	cd end2end && npx playwright test

# The benchmarks and load runs (minutes; not part of `make test`, which
# runs a one-second smoke run of the first): the table against the
# machine's own limits (scripts/bench.sh: wrk, nginx, openssl speed, the
# 100,000-row CSV batch), then the core's criterion benches, the public
# profile in-process, and signed remote issuing under 16 clients. Their
# figures are in README.md.
bench:
	./scripts/bench.sh
	cargo bench -p laurel --locked
	cargo bench -p laurel-server --bench profile --locked
	cargo bench -p laurel-server --bench remote --locked

# Every fuzz target to 10 million executions (about an hour on 2 cores);
# what finds new coverage is merged into fuzz/corpus. `make test` runs a
# short run of each. Figures in README.md ("Fuzzing").
fuzz:
	./scripts/setup.sh
	./scripts/fuzz.sh long
