"""Demo data: realistic, idempotent, used by `scripts/demo` and the benchmarks.

It sits above every other app in the layer contract (it may import all of them, nothing
imports it).
"""
