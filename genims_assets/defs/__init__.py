"""Definitions by domain: each subpackage exposes `defs(settings) -> dagster.Definitions`."""
