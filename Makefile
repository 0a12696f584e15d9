# Conveniences; the README's two commands are scripts/run and scripts/test.
.PHONY: run test build bench
run:
	./scripts/run
test:
	./scripts/test
build:
	swift build
bench:
	./Benchmarks/run
