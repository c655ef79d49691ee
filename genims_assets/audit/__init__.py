"""The audit layer: capture in PostgreSQL, shipping to genims_audit_db, verification, retention, compliance.

See README.md in this folder for the contract every module follows.
"""
