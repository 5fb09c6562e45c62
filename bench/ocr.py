"""OCR benchmark: our digitization pipeline against raw Tesseract on the same pages.

    make bench-ocr                                  # or: .venv/bin/python bench/ocr.py [options]
    make bench-ocr BENCH_ARGS="--pages 6 --json figures.json"

Generates printed pages with known text (vnarchive.digitization.samples: Vietnamese
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
and per language x condition x dpi the character error rate
(vnarchive.digitization.cer: NFC, whitespace collapsed, Levenshtein / length of the
truth) and the CPU seconds per page of raw Tesseract and of the pipeline (target: CER
lower on skewed and noisy pages, never higher). Every PDF/A built is then checked with
check_pdfa and its pdftotext compared with the pipeline's text (outside the timed part).
Everything runs under a temporary directory that is deleted at the end (unless --keep).
The pages, raw Tesseract and the pipeline runs are bench/ocr_work.py's; the machine line,
the tables and the JSON file bench/harness's.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from harness.instance import scratch_dir
from harness.report import machine
from harness.report import table
from harness.report import tool_version
from harness.report import write_json
from ocr_work import children_cpu
from ocr_work import make_pages
from ocr_work import raw_tesseract
from ocr_work import run_pipeline
from ocr_work import warm_up

import argparse
import os
import subprocess
import time


STAGES = ("read", "clean", "ocr", "png")  # per page; then "pdfa" per document
TARGET = 0.85  # pipeline throughput ÷ raw Tesseract's


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


# -- the run ---------------------------------------------------------------------------


def run_rounds(pages, documents, args):
    """Raw Tesseract then the pipeline, `args.rounds` times: (wall, CPU) of each run,
    the load averages, and the texts and CPU of the last round."""
    raw_runs, pipe_runs = [], []
    loads = [os.getloadavg()[0]]
    for round_ in range(1, args.rounds + 1):
        print(
            f"round {round_}: raw tesseract, {args.workers} at a time ...", flush=True
        )
        cpu = children_cpu()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            raw = list(pool.map(raw_tesseract, pages))
        raw_runs.append((time.perf_counter() - started, children_cpu() - cpu))

        print(
            f"round {round_}: pipeline, {args.workers} worker processes ...", flush=True
        )
        cpu = children_cpu()
        results, pdfs, pdf_cpu, seconds = run_pipeline(pages, documents, args.workers)
        pipe_runs.append((seconds, children_cpu() - cpu))
        loads.append(os.getloadavg()[0])
    return {
        "raw_runs": raw_runs,
        "pipe_runs": pipe_runs,
        "loads": loads,
        "raw_texts": [text for text, _ in raw],
        "raw_page_cpu": [seconds for _, seconds in raw],
        "results": results,
        "pdfs": pdfs,
        "pdf_cpu": pdf_cpu,
    }


def cells(pages, documents, done):
    """Per document (language x condition x dpi): CER and CPU per page, raw and pipeline."""
    from vnarchive.digitization.cer import character_error_rate

    results, found = done["results"], []
    for document, ids in documents.items():
        first = pages[ids[0]]

        def mean(values, ids=ids):
            return sum(values) / len(ids)

        found.append(
            {
                "language": first["language"],
                "condition": first["condition"],
                "dpi": first["dpi"],
                "pages": len(ids),
                "raw_cer": mean(
                    character_error_rate(pages[i]["truth"], done["raw_texts"][i])
                    for i in ids
                ),
                "pipeline_cer": mean(
                    character_error_rate(pages[i]["truth"], results[i]["text"])
                    for i in ids
                ),
                "steps": sorted({step for i in ids for step in results[i]["steps"]}),
                "raw_cpu_per_page": mean(done["raw_page_cpu"][i] for i in ids),
                "pipeline_cpu_per_page": mean(
                    sum(results[i]["times"].values()) for i in ids
                )
                + done["pdf_cpu"][document] / len(ids),
            }
        )
    return found


def check_pdfs(done, documents):
    """check_pdfa's problems per document, and whether pdftotext gives the OCR text."""
    from vnarchive.digitization.cer import normalise
    from vnarchive.digitization.pdfa import check_pdfa

    problems, extraction = {}, {}
    for document, data in done["pdfs"].items():
        problems[document] = check_pdfa(data)
        extracted = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        expected = " ".join(done["results"][i]["text"] for i in documents[document])
        # the same characters, spacing and order aside: pdftotext infers spaces
        # from gaps, and orders stray specks (one-character "lines") by position
        extraction[document] = Counter("".join(extracted.split())) == Counter(
            "".join(normalise(expected).split())
        )
    return problems, extraction


def figures(pages, documents, done):
    n = len(pages)
    raw_seconds, raw_cpu = min(done["raw_runs"])  # best round: least disturbed
    pipe_seconds, pipe_cpu = min(done["pipe_runs"])
    stages = {
        key: sum(r["times"][key] for r in done["results"].values()) for key in STAGES
    }
    stages["pdfa"] = sum(done["pdf_cpu"].values())
    problems, extraction = check_pdfs(done, documents)
    about = machine()
    tesseract = tool_version("tesseract", "--version")
    return {
        "machine": f"{about['cpus']} CPU {about['cpu']}; Python {about['python']}; "
        f"{tesseract}",
        "pages": n,
        "raw_seconds": raw_seconds,
        "pipeline_seconds": pipe_seconds,
        "ratio": raw_seconds / pipe_seconds,
        "raw_cpu": raw_cpu,
        "pipeline_cpu": pipe_cpu,
        "cpu_ratio": raw_cpu / pipe_cpu,
        "rounds": {"raw": done["raw_runs"], "pipeline": done["pipe_runs"]},
        "stages": stages,
        "cells": cells(pages, documents, done),
        "pdfa_problems": problems,
        "extraction_equal": extraction,
    }


# -- the report ------------------------------------------------------------------------


def run_row(name, n, seconds, cpu, ratio, cpu_ratio):
    return [
        name,
        f"{seconds:.1f}",
        f"{n / seconds * 60:.1f}",
        ratio,
        f"{cpu:.1f}",
        f"{cpu / n:.2f}",
        f"{n / cpu * 60:.1f}",
        cpu_ratio,
    ]


def cell_row(cell):
    worse = "" if cell["pipeline_cer"] <= cell["raw_cer"] else " (worse)"
    raw, pipeline = cell["raw_cpu_per_page"], cell["pipeline_cpu_per_page"]
    return [
        cell["language"],
        cell["condition"],
        cell["dpi"],
        cell["pages"],
        f"{cell['raw_cer']:.2%}",
        f"{cell['pipeline_cer']:.2%}{worse}",
        ", ".join(cell["steps"]) or "-",
        f"{raw:.2f}",
        f"{pipeline:.2f}",
        f"{raw / pipeline:.2f}",
    ]


def report(result, args, loads):
    n, ratio, cpu_ratio = result["pages"], result["ratio"], result["cpu_ratio"]
    runs = [
        run_row(
            "raw tesseract (txt)",
            n,
            result["raw_seconds"],
            result["raw_cpu"],
            "1.00",
            "1.00",
        ),
        run_row(
            "pipeline (read, clean, hOCR, PNG, PDF/A)",
            n,
            result["pipeline_seconds"],
            result["pipeline_cpu"],
            f"**{ratio:.2f}**",
            f"**{cpu_ratio:.2f}**",
        ),
    ]
    busy = sum(result["stages"].values())
    stages = [
        [key, f"{seconds:.1f}", f"{seconds / busy:.1%}"]
        for key, seconds in result["stages"].items()
    ]
    problems, extraction = result["pdfa_problems"], result["extraction_equal"]
    print()
    print(f"**Machine**: {result['machine']}")
    print(
        f"{n} pages ({args.size}, {args.pages} per cell), {args.workers} at a time; "
        f"best of {args.rounds} rounds; load average "
        + ", ".join(f"{load:.2f}" for load in loads)
        + " (before, after each round)."
    )
    print()
    header = ["run", "wall s", "pages/min", "ratio", "CPU s", "CPU s/page"]
    print(table([*header, "pages per CPU-min", "ratio"], runs, "lrrrrrrr"))
    print()
    print("Pipeline CPU by stage (worker processes and their Tesseract runs):")
    print()
    print(table(["stage", "CPU s", "share"], stages, "lrr"))
    print()
    header = ["language", "condition", "dpi", "pages", "CER raw", "CER pipeline"]
    header += ["clean-up", "CPU s/page raw", "CPU s/page pipeline", "ratio"]
    print(table(header, map(cell_row, result["cells"]), "llrrrrlrrr"))
    print()
    print(
        f"PDF/A: {len(problems)} documents, check_pdfa problems: "
        f"{sum(len(p) for p in problems.values())}; pdftotext gives the OCR text's "
        f"characters (spacing and order aside) in "
        f"{sum(extraction.values())} of {len(extraction)}."
    )
    for document, found in problems.items():
        if found:
            print(f"  {document}: {found[:3]}")
    for document, equal in extraction.items():
        if not equal:
            print(f"  {document}: pdftotext differs from the OCR text")
    cer_met = all(c["pipeline_cer"] <= c["raw_cer"] for c in result["cells"])
    print(
        f"Throughput target (>= {TARGET} x raw): wall clock {ratio:.2f} "
        f"({'met' if ratio >= TARGET else 'MISSED'}), CPU {cpu_ratio:.2f} "
        f"({'met' if cpu_ratio >= TARGET else 'MISSED'}); "
        f"CER target (clean-up never worse): {'met' if cer_met else 'MISSED'}"
    )


def main():
    args = parse_args()
    import vnarchive.digitization.cleanup
    import vnarchive.digitization.images  # noqa: F401

    # what a long-lived worker has done once: imports, fonts (the pools fork from here)
    warm_up()
    with scratch_dir("bench-ocr-", args.keep) as folder:
        pages, documents = make_pages(folder, args)
        done = run_rounds(pages, documents, args)
        result = figures(pages, documents, done)
        report(result, args, done["loads"])
        if args.json:
            write_json(args.json, result)


if __name__ == "__main__":
    main()
