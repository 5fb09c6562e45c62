"""OCR benchmark: our digitization pipeline against raw Tesseract on the same pages.

    make bench-ocr                                  # or: .venv/bin/python bench/ocr.py [options]
    make bench-ocr BENCH_ARGS="--pages 6 --json figures.json"

Generates printed pages with known text (vnarchive.content.digitization.samples: Vietnamese
in Noto Serif, Lao in Phetsarath OT, A4 full of text by default) for every
language x condition x resolution:

    languages    vi (Tesseract vie), lo (lao)
    conditions   clean; skewed (3 to 5 degrees, both ways); noisy (3 % salt-and-pepper)
    resolutions  300 and 200 dpi

and stores each page as a single-page LZW TIFF (a scan, its DPI in the header). The pages of
one cell form one document. Then, on the same files, one after the other:

    raw        `tesseract FILE stdout -l LANG txt`, OMP_THREAD_LIMIT=1, 2 pages at a time
    pipeline   2 worker processes; per page read_page -> clean_page -> ocr_page (hOCR,
               OMP_THREAD_LIMIT=1) -> the clean page as PNG (the derivative); per document,
               once its pages are done, build_pdfa (PDF/A-2b with the text layer)

It prints (Markdown) the throughput of both in pages per minute and their ratio (target:
pipeline >= 0.85 x raw), measured two ways: wall clock (best of --rounds, raw and pipeline
alternating) and CPU time (user + system of every process involved, from getrusage: the
Tesseract processes for raw; the worker processes and their Tesseract runs for the
pipeline). On a machine shared with other work the wall clock depends on what the others
do at that moment; CPU seconds per page do not. It also prints the pipeline's CPU by stage,
and per language x condition x dpi the character error rate (vnarchive.content.digitization
.cer: NFC, whitespace collapsed, Levenshtein / length of the truth) and the CPU seconds per
page of raw Tesseract and of the pipeline (target: CER lower on skewed and noisy pages,
never higher). Every PDF/A built is then checked with check_pdfa and its pdftotext compared
with the pipeline's text (outside the timed part).
Everything runs under a temporary directory that is deleted at the end (unless --keep).
"""

from collections import Counter
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from pathlib import Path

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import subprocess
import tempfile
import time


LANGUAGES = {"vi": "vie", "lo": "lao"}
CONDITIONS = ("clean", "skewed", "noisy")
RESOLUTIONS = (300, 200)
SKEWS = (3.0, -4.0, 5.0, -3.5)
NOISE = 0.03


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4, help="pages per cell [4]")
    parser.add_argument("--size", default="a4", help="page size a4|a5|a6 [a4]")
    parser.add_argument("--workers", type=int, default=2, help="parallel pages [2]")
    parser.add_argument("--rounds", type=int, default=2, help="raw/pipeline rounds [2]")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory"
    )
    return parser.parse_args()


# -- pages ---------------------------------------------------------------------------


def page_text(language, seed):
    """Sentences of the sample text in a page-specific order, enough to fill a page."""
    from vnarchive.content.digitization.samples import SAMPLE_TEXTS

    sample = SAMPLE_TEXTS[language]
    heading, body = sample.rsplit("\n", 1)
    separator = ". "
    sentences = [s.strip().rstrip(".") for s in body.split(separator) if s.strip()]
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(6):
        rng.shuffle(sentences)
        paragraphs.append(separator.join(sentences).rstrip(".") + ".")
    return heading + "\n" + "\n".join(paragraphs)


def make_page(job):
    """Render one page and write it as a TIFF scan; returns (path, truth)."""
    from vnarchive.content.digitization.samples import render_page

    path, language, condition, dpi, index, size = job
    skew = SKEWS[index % len(SKEWS)] if condition == "skewed" else 0.0
    noise = NOISE if condition == "noisy" else 0.0
    image = render_page(
        page_text(language, seed=index * 31 + len(language)),
        language,
        dpi=dpi,
        skew_degrees=skew,
        noise=noise,
        size=size,
        seed=index,
    )
    image.save(path, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    return str(path), image.info["text"]


def warm_up():
    """Imports and font set-up a long-lived worker pays once (pools fork after this)."""
    from PIL import Image
    from vnarchive.content.digitization.images import to_png
    from vnarchive.content.digitization.ocr import PageText
    from vnarchive.content.digitization.pdfa import build_pdfa
    from vnarchive.content.digitization.pdfa import PdfPage

    blank = Image.new("L", (200, 200), 255)
    text = PageText("a", [], None, 200, 200, 200, "vie").with_text("warm up")
    build_pdfa([PdfPage(to_png(blank, 200), 200, text)], "warm-up", "vi")


def children_cpu():
    """CPU seconds (user + system) of all finished child processes so far.

    Worker processes count their Tesseract children in (they waited for them),
    so this is the whole CPU cost of a run, whoever else shares the machine.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- raw Tesseract ---------------------------------------------------------------------


def raw_tesseract(page):
    """Raw Tesseract on one page: (text, CPU seconds of that tesseract process)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    process = subprocess.Popen(
        ["tesseract", page["path"], "stdout", "-l", page["tesseract"], "txt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"tesseract failed on {page['path']}")
    return output.decode("utf-8"), usage.ru_utime + usage.ru_stime


# -- pipeline --------------------------------------------------------------------------


def own_cpu():
    """CPU seconds of this process and of its finished children (Tesseract)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pipeline_page(page):
    """One page through the pipeline, in a worker process; returns text and CPU times."""
    from vnarchive.content.digitization.pipeline import process_page

    times = {}
    mark = own_cpu()

    def lap(name):
        nonlocal mark
        now = own_cpu()
        times[name] = now - mark
        mark = now

    data = Path(page["path"]).read_bytes()
    done = process_page(Path(page["path"]).name, data, 1, page["tesseract"], lap)
    return {
        "text": done.page_text.text,
        "words": done.page_text.to_dict(),
        "png": done.png,
        "dpi": done.dpi,
        "steps": done.cleaned.steps,
        "skew": done.cleaned.skew_degrees,
        "times": times,
    }


def pipeline_document(document):
    """build_pdfa for one document, in a worker process."""
    from vnarchive.content.digitization.ocr import PageText
    from vnarchive.content.digitization.pdfa import build_pdfa
    from vnarchive.content.digitization.pdfa import PdfPage

    started = own_cpu()
    pages = [
        PdfPage(page["png"], page["dpi"], PageText.from_dict(page["words"]))
        for page in document["pages"]
    ]
    data = build_pdfa(pages, document["title"], document["language"])
    return data, own_cpu() - started


def run_pipeline(pages, documents, workers):
    """All pages, then each document's PDF/A as soon as its pages are done."""
    results = {}
    pdfs = {}
    pdf_cpu = {}
    remaining = {key: set(doc) for key, doc in documents.items()}
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {
            pool.submit(pipeline_page, page): ("page", page["id"]) for page in pages
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                kind, key = pending.pop(future)
                if kind == "page":
                    results[key] = future.result()
                    document = pages[key]["document"]
                    remaining[document].discard(key)
                    if not remaining[document]:
                        job = {
                            "title": document,
                            "language": pages[key]["language"],
                            "pages": [results[i] for i in documents[document]],
                        }
                        pending[pool.submit(pipeline_document, job)] = ("pdf", document)
                else:
                    pdfs[key], pdf_cpu[key] = future.result()
    return results, pdfs, pdf_cpu, time.perf_counter() - started


# -- report ----------------------------------------------------------------------------


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    tesseract = subprocess.run(
        ["tesseract", "--version"], capture_output=True, text=True
    ).stdout.splitlines()[0]
    return (
        f"{os.cpu_count()} CPU {cpu}; Python {platform.python_version()}; {tesseract}"
    )


def main():
    args = parse_args()
    from vnarchive.content.digitization.cer import character_error_rate
    from vnarchive.content.digitization.cer import normalise
    from vnarchive.content.digitization.pdfa import check_pdfa

    import vnarchive.content.digitization.cleanup  # noqa: F401
    import vnarchive.content.digitization.images  # noqa: F401

    # what a long-lived worker has done once: imports, fonts (the pools fork from here)
    warm_up()

    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    try:
        jobs, pages, documents = [], [], {}
        for language, tesseract in LANGUAGES.items():
            for condition in CONDITIONS:
                for dpi in RESOLUTIONS:
                    document = f"{language}-{condition}-{dpi}"
                    documents[document] = []
                    for index in range(args.pages):
                        path = folder / f"{document}-{index + 1:02d}.tif"
                        jobs.append((path, language, condition, dpi, index, args.size))
                        pages.append(
                            {
                                "id": len(pages),
                                "path": str(path),
                                "language": language,
                                "tesseract": tesseract,
                                "condition": condition,
                                "dpi": dpi,
                                "document": document,
                            }
                        )
                        documents[document].append(len(pages) - 1)
        print(f"Generating {len(jobs)} pages ({args.size}) in {folder} ...", flush=True)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=args.workers, mp_context=context) as pool:
            for page, (_, truth) in zip(pages, pool.map(make_page, jobs), strict=True):
                page["truth"] = truth

        raw_runs, pipe_runs = [], []
        loads = [os.getloadavg()[0]]
        for round_ in range(1, args.rounds + 1):
            print(
                f"round {round_}: raw tesseract, {args.workers} at a time ...",
                flush=True,
            )
            cpu = children_cpu()
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                raw = list(pool.map(raw_tesseract, pages))
            raw_texts = [text for text, _ in raw]
            raw_page_cpu = [seconds for _, seconds in raw]
            raw_runs.append((time.perf_counter() - started, children_cpu() - cpu))

            print(
                f"round {round_}: pipeline, {args.workers} worker processes ...",
                flush=True,
            )
            cpu = children_cpu()
            results, pdfs, pdf_cpu, seconds = run_pipeline(
                pages, documents, args.workers
            )
            pipe_runs.append((seconds, children_cpu() - cpu))
            loads.append(os.getloadavg()[0])

        # -- figures ---------------------------------------------------------------
        n = len(pages)
        raw_seconds, raw_cpu = min(raw_runs)  # best round: least disturbed
        pipe_seconds, pipe_cpu = min(pipe_runs)
        raw_rate = n / raw_seconds * 60
        pipe_rate = n / pipe_seconds * 60
        ratio = pipe_rate / raw_rate
        cpu_ratio = raw_cpu / pipe_cpu
        stage = {
            key: sum(r["times"][key] for r in results.values())
            for key in ("read", "clean", "ocr", "png")
        }
        stage["pdfa"] = sum(pdf_cpu.values())
        busy = sum(stage.values())

        cells = []
        for language in LANGUAGES:
            for condition in CONDITIONS:
                for dpi in RESOLUTIONS:
                    chosen = [
                        p
                        for p in pages
                        if (p["language"], p["condition"], p["dpi"])
                        == (language, condition, dpi)
                    ]
                    raw_cer = sum(
                        character_error_rate(p["truth"], raw_texts[p["id"]])
                        for p in chosen
                    ) / len(chosen)
                    pipe_cer = sum(
                        character_error_rate(p["truth"], results[p["id"]]["text"])
                        for p in chosen
                    ) / len(chosen)
                    steps = sorted(
                        {s for p in chosen for s in results[p["id"]]["steps"]}
                    )
                    cell_raw_cpu = sum(raw_page_cpu[p["id"]] for p in chosen) / len(
                        chosen
                    )
                    cell_pipe_cpu = sum(
                        sum(results[p["id"]]["times"].values()) for p in chosen
                    ) / len(chosen) + pdf_cpu[chosen[0]["document"]] / len(chosen)
                    cells.append(
                        {
                            "language": language,
                            "condition": condition,
                            "dpi": dpi,
                            "pages": len(chosen),
                            "raw_cer": raw_cer,
                            "pipeline_cer": pipe_cer,
                            "steps": steps,
                            "raw_cpu_per_page": cell_raw_cpu,
                            "pipeline_cpu_per_page": cell_pipe_cpu,
                        }
                    )

        problems = {}
        extraction = {}
        for document, data in pdfs.items():
            problems[document] = check_pdfa(data)
            extracted = subprocess.run(
                ["pdftotext", "-enc", "UTF-8", "-", "-"],
                input=data,
                capture_output=True,
                check=True,
            ).stdout.decode("utf-8")
            expected = " ".join(results[i]["text"] for i in documents[document])
            # the same characters, spacing and order aside: pdftotext infers spaces
            # from gaps, and orders stray specks (one-character "lines") by position
            extraction[document] = Counter("".join(extracted.split())) == Counter(
                "".join(normalise(expected).split())
            )

        print()
        print(f"**Machine**: {machine()}")
        print(
            f"{n} pages ({args.size}, {args.pages} per cell), {args.workers} at a time; "
            f"best of {args.rounds} rounds; load average "
            + ", ".join(f"{load:.2f}" for load in loads)
            + " (before, after each round)."
        )
        print()
        print(
            "| run | wall s | pages/min | ratio | CPU s | CPU s/page | pages per CPU-min "
            "| ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        print(
            f"| raw tesseract (txt) | {raw_seconds:.1f} | {raw_rate:.1f} | 1.00 | "
            f"{raw_cpu:.1f} | {raw_cpu / n:.2f} | {n / raw_cpu * 60:.1f} | 1.00 |"
        )
        print(
            f"| pipeline (read, clean, hOCR, PNG, PDF/A) | {pipe_seconds:.1f} | "
            f"{pipe_rate:.1f} | **{ratio:.2f}** | {pipe_cpu:.1f} | {pipe_cpu / n:.2f} | "
            f"{n / pipe_cpu * 60:.1f} | **{cpu_ratio:.2f}** |"
        )
        print()
        print("Pipeline CPU by stage (worker processes and their Tesseract runs):")
        print()
        print("| stage | CPU s | share |")
        print("|---|---:|---:|")
        for key, seconds in stage.items():
            print(f"| {key} | {seconds:.1f} | {seconds / busy:.1%} |")
        print()
        print(
            "| language | condition | dpi | pages | CER raw | CER pipeline | clean-up "
            "| CPU s/page raw | CPU s/page pipeline | ratio |"
        )
        print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|")
        for cell in cells:
            better = cell["pipeline_cer"] <= cell["raw_cer"]
            print(
                f"| {cell['language']} | {cell['condition']} | {cell['dpi']} | "
                f"{cell['pages']} | {cell['raw_cer']:.2%} | {cell['pipeline_cer']:.2%}"
                f"{'' if better else ' (worse)'} | {', '.join(cell['steps']) or '-'} | "
                f"{cell['raw_cpu_per_page']:.2f} | {cell['pipeline_cpu_per_page']:.2f} | "
                f"{cell['raw_cpu_per_page'] / cell['pipeline_cpu_per_page']:.2f} |"
            )
        print()
        bad = {d: p for d, p in problems.items() if p}
        print(
            f"PDF/A: {len(pdfs)} documents, check_pdfa problems: "
            f"{sum(len(p) for p in problems.values())}; pdftotext gives the OCR text's "
            f"characters (spacing and order aside) in "
            f"{sum(extraction.values())} of {len(extraction)}."
        )
        for document, found in bad.items():
            print(f"  {document}: {found[:3]}")
        for document, equal in extraction.items():
            if not equal:
                print(f"  {document}: pdftotext differs from the OCR text")
        print(
            f"Throughput target (>= 0.85 x raw): wall clock {ratio:.2f} "
            f"({'met' if ratio >= 0.85 else 'MISSED'}), CPU {cpu_ratio:.2f} "
            f"({'met' if cpu_ratio >= 0.85 else 'MISSED'}); "
            "CER target (clean-up never worse): "
            + (
                "met"
                if all(c["pipeline_cer"] <= c["raw_cer"] for c in cells)
                else "MISSED"
            )
        )
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "machine": machine(),
                        "pages": n,
                        "raw_seconds": raw_seconds,
                        "pipeline_seconds": pipe_seconds,
                        "ratio": ratio,
                        "raw_cpu": raw_cpu,
                        "pipeline_cpu": pipe_cpu,
                        "cpu_ratio": cpu_ratio,
                        "rounds": {"raw": raw_runs, "pipeline": pipe_runs},
                        "stages": stage,
                        "cells": cells,
                        "pdfa_problems": problems,
                        "extraction_equal": extraction,
                    },
                    indent=2,
                )
            )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
