"""`ctlkg validate`'s text report: counts by severity and by shape first, so that 78 warnings read as
seven recommendations at a glance, then each finding, every IRI as a prefixed name where one fits."""

from __future__ import annotations

import re
from collections import Counter

from ctlkg.cli.console import out
from ctlkg.rdf import links
from ctlkg.shacl.reference import Finding, ValidationReport

STYLES = {"Violation": "red", "Warning": "yellow", "Info": "blue"}
PLURALS = {"Violation": "violations", "Warning": "warnings", "Info": "infos"}
#: An IRI written in a SPARQL property path, e.g. ``(<…#hasParty>|^<…#partyTo>)``.
_BRACKETED = re.compile(r"<([^<>\s]+)>")


def short(text: str) -> str:
    """A bare IRI, or a property path holding some, with each IRI as a CURIE when a prefix fits."""
    if _BRACKETED.search(text):
        return _BRACKETED.sub(lambda m: _bracketed_curie(m.group(1)), text)
    return links.curie(text)


def _bracketed_curie(iri: str) -> str:
    name = links.curie(iri)
    return f"<{iri}>" if name == iri else name


def print_summary(report: ValidationReport) -> None:
    """Counts by severity, then by shape (most frequent first), each shape under its severity."""
    counts = report.counts()
    out.print("Summary: " + ", ".join(f"{n} {PLURALS[sev]}" for sev, n in counts.items()), highlight=False)
    per_shape = Counter((f.severity, short(f.source_shape)) for f in report.findings)
    for (severity, shape), n in sorted(per_shape.items(), key=lambda item: (_rank(item[0][0]), -item[1],
                                                                             item[0][1])):
        style = STYLES.get(severity, "white")
        out.print(f"  [{style}]{severity:<9}[/{style}] {n:>5}  {shape}", highlight=False)


def print_details(findings: tuple[Finding, ...] | list[Finding], lang: str) -> None:
    for f in findings:
        style = STYLES.get(f.severity, "white")
        where = short(f.focus_node) + (f" {short(f.path)}" if f.path else "")
        out.print(f"[{style}]{f.severity:<9}[/{style}] {where}  [dim]{short(f.source_shape)}[/dim]",
                  highlight=False, soft_wrap=True)
        message = f.message_it if lang == "it" else f.message_en
        out.print(f"          {message}", highlight=False, soft_wrap=True)


def print_text(report: ValidationReport, lang: str) -> None:
    """Summary, details, verdict (last, where a terminal leaves it in view)."""
    if report.findings:
        print_summary(report)
        out.print()
        print_details(report.findings, lang)
    counts = report.counts()
    verdict = "[green]conforms[/green]" if report.conforms else "[red]does not conform[/red]"
    out.print(
        f"Data {verdict}: {counts.get('Violation', 0)} violations, {counts.get('Warning', 0)} warnings."
    )


def _rank(severity: str) -> int:
    return list(STYLES).index(severity) if severity in STYLES else len(STYLES)
