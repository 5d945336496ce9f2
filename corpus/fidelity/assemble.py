#!/usr/bin/env python3
"""Rebuilds the fidelity corpus from clones of its source repositories (see README.md).

Each document is the source HTML file unchanged, except that every <link rel="stylesheet"> whose
href names a file of the same repository (or the project's own CDN copy of it) is replaced by a
<style> element holding that file, keeping its media attribute. Nothing else is edited.

usage: assemble.py MIRROR_DIR   (MIRROR_DIR/<owner>+<name>/repo is a git directory)
"""
import re
import subprocess
import sys
from pathlib import Path

# name, repository, html path, {href in the document: stylesheet path in the repository}, css to add in <head>
DOCS = [
    ("weasyprint-invoice", "CourtBouillon/weasyprint-samples", "invoice/invoice.html", {"invoice.css": "invoice/invoice.css"}, []),
    ("weasyprint-letter", "CourtBouillon/weasyprint-samples", "letter/letter.html", {"style.css": "letter/style.css"}, []),
    ("weasyprint-report", "CourtBouillon/weasyprint-samples", "report/report.html", {"report.css": "report/report.css"}, []),
    ("weasyprint-ticket", "CourtBouillon/weasyprint-samples", "ticket/ticket.html", {"ticket.css": "ticket/ticket.css"}, []),
    ("sparksuite-invoice", "sparksuite/simple-html-invoice-template", "invoice.html", {}, []),
    ("anvil-invoice", "anvilco/html-pdf-invoice-template", "invoice.html", {}, ["invoice.css", "invoice-pdf.css"]),
    ("paper-a4", "cognitom/paper-css", "examples/a4.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("paper-a5-landscape", "cognitom/paper-css", "examples/a5-landscape.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("paper-letter-landscape", "cognitom/paper-css", "examples/letter-landscape.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("paper-legal", "cognitom/paper-css", "examples/legal.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("paper-receipt", "cognitom/paper-css", "examples/receipt.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("paper-multiple-sheets", "cognitom/paper-css", "examples/multiple-sheets.html", {"https://cdnjs.cloudflare.com/ajax/libs/paper-css/0.4.1/paper.css": "paper.css"}, []),
    ("tufte", "edwardtufte/tufte-css", "index.html", {"tufte.css": "tufte.css", "latex.css": "latex.css"}, []),
    ("latex-css", "vincentdoerig/latex-css", "index.html", {"style.css": "style.css", "prism/prism.css": "prism/prism.css"}, []),
    ("latex-css-elements", "vincentdoerig/latex-css", "elements.html", {"style.css": "style.css"}, []),
    ("github-markdown", "sindresorhus/github-markdown-css", "index.html", {"github-markdown.css": "github-markdown.css"}, []),
    ("sakura", "oxalorg/sakura", "index.html", {"css/normalize.css": "css/normalize.css", "css/sakura.css": "css/sakura.css"}, []),
    ("sakura-test", "oxalorg/sakura", "test.html", {"css/normalize.css": "css/normalize.css", "css/sakura.css": "css/sakura.css"}, []),
    ("simple-css", "kevquirk/simple.css", "index.html", {"simple.css": "simple.css"}, []),
    ("gutenberg-modern", "BafS/Gutenberg", "docs/modern.html", {"//unpkg.com/gutenberg-css": "dist/gutenberg.css", "//unpkg.com/gutenberg-css/dist/themes/modern.min.css": "dist/themes/modern.css"}, []),
    ("gutenberg-oldstyle", "BafS/Gutenberg", "docs/oldstyle.html", {"//unpkg.com/gutenberg-css": "dist/gutenberg.css", "//unpkg.com/gutenberg-css/dist/themes/oldstyle.min.css": "dist/themes/oldstyle.css"}, []),
    ("water-css", "kognise/water.css", "docs/index.html", {"./water.css/water.min.css": "dist/light.css", "style.css": "docs/style.css"}, []),
    ("pandoc-theme", "jez/pandoc-markdown-css-theme", "docs/index.html", {"css/theme.css": "docs/css/theme.css", "css/skylighting-solarized-theme.css": "docs/css/skylighting-solarized-theme.css"}, []),
    ("pandoc-theme-features", "jez/pandoc-markdown-css-theme", "docs/features/index.html", {"../css/theme.css": "docs/css/theme.css", "../css/skylighting-solarized-theme.css": "docs/css/skylighting-solarized-theme.css"}, []),
    ("resume-tailwind", "owengretzinger/html-resume-template", "index.html", {"assets/output.css": "assets/output.css"}, []),
    ("resume-paper", "Tombarr/html-resume-template", "index.html", {"./paper.css": "paper.css", "./styles.css": "styles.css", "./typography.css": "typography.css", "./screen.css": "screen.css", "./print.css": "print.css"}, []),
]

LINK = re.compile(r"<link\b[^>]*>", re.I)
ATTR = re.compile(r"""\b(href|media|rel)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)


def show(git, commit, path):
    return subprocess.run(["git", "-C", str(git), "show", f"{commit}:{path}"], check=True, capture_output=True).stdout.decode("utf-8")


def main(mirror):
    out = Path(__file__).parent
    for name, repo, html_path, links, extra in DOCS:
        git = Path(mirror) / repo.replace("/", "+") / "repo"
        commit = subprocess.run(["git", "-C", str(git), "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
        html = show(git, commit, html_path)

        def inline(m):
            attrs = {k.lower(): (a if a is not None else b) for k, a, b in ATTR.findall(m.group(0))}
            href = attrs.get("href")
            if "stylesheet" not in attrs.get("rel", "").lower() or href not in links:
                return m.group(0)
            media = f' media="{attrs["media"]}"' if "media" in attrs else ""
            return f"<style{media}>\n{show(git, commit, links[href])}\n</style>"

        html = LINK.sub(inline, html)
        if extra:
            css = "".join(f"<style>\n{show(git, commit, p)}\n</style>\n" for p in extra)
            html = f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n{css}</head><body>\n{html}\n</body></html>\n"
        (out / f"{name}.html").write_text(html, encoding="utf-8")
        print(f"{name}.html\t{repo}\t{commit}\t{html_path}")


if __name__ == "__main__":
    main(sys.argv[1])
