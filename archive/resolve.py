"""Resolve stage: mentions → canonical persons and organisations (aliases, transliterations)."""

from __future__ import annotations

from archive.facts import ArticleFacts, ResolvedFacts


def resolve_facts(facts: ArticleFacts) -> ResolvedFacts:
    return ResolvedFacts(facts=facts)
