"""The OCR benchmark's work: the pages, raw Tesseract on them, our pipeline on them.

bench/ocr.py times these; the page and document functions run in worker processes (forked,
so what warm_up imported and set up is there already).
"""

from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import wait
from pathlib import Path

import multiprocessing
import os
import random
import resource
import subprocess
import time


LANGUAGES = {"vi": "vie", "lo": "lao"}
CONDITIONS = ("clean", "skewed", "noisy")
RESOLUTIONS = (300, 200)
SKEWS = (3.0, -4.0, 5.0, -3.5)
NOISE = 0.03


def fork_pool(workers):
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork")
    )


# -- pages ---------------------------------------------------------------------------


def page_text(language, seed):
    """Sentences of the sample text in a page-specific order, enough to fill a page."""
    from vnarchive.digitization.samples import SAMPLE_TEXTS

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
    from vnarchive.digitization.samples import render_page

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


def make_pages(folder, args):
    """Every page of every cell as a TIFF in `folder`: (pages, {document: page ids})."""
    jobs, pages, documents = [], [], {}
    for language, tesseract in LANGUAGES.items():
        for condition in CONDITIONS:
            for dpi in RESOLUTIONS:
                document = f"{language}-{condition}-{dpi}"
                documents[document] = []
                for index in range(args.pages):
                    path = folder / f"{document}-{index + 1:02d}.tif"
                    jobs.append((path, language, condition, dpi, index, args.size))
                    documents[document].append(len(pages))
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
    print(f"Generating {len(jobs)} pages ({args.size}) in {folder} ...", flush=True)
    with fork_pool(args.workers) as pool:
        for page, (_, truth) in zip(pages, pool.map(make_page, jobs), strict=True):
            page["truth"] = truth
    return pages, documents


def warm_up():
    """Imports and font set-up a long-lived worker pays once (pools fork after this)."""
    from PIL import Image
    from vnarchive.digitization.images import to_png
    from vnarchive.digitization.ocr import PageText
    from vnarchive.digitization.pdfa import build_pdfa
    from vnarchive.digitization.pdfa import PdfPage

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
    from vnarchive.digitization.pipeline import process_page

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
    from vnarchive.digitization.ocr import PageText
    from vnarchive.digitization.pdfa import build_pdfa
    from vnarchive.digitization.pdfa import PdfPage

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
    started = time.perf_counter()
    with fork_pool(workers) as pool:
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
