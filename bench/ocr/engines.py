"""The engines the OCR benchmark compares, each plugged into nianbao's page reader (``extract.ocr``).

- ``openvino``: nianbao's engine as shipped (RapidOCR 3.10, PP-OCRv6 small, OpenVINO; the precision
  OpenVINO picks: bfloat16 on CPUs with AMX or AVX512-BF16, float32 elsewhere).
- ``openvino-f32``: the same with float32 forced, as every CPU without bfloat16 runs it.
- ``onnxruntime``: the same models run by onnxruntime (an interpreter with rapidocr and onnxruntime).
- ``tesseract``: Debian's tesseract 5 with its chi_sim model, words as table fragments.
"""

from __future__ import annotations

import io
import os
import subprocess
from importlib import metadata
from typing import Any

from extract import ocr
from extract.scan_tables import Fragment


def install(name: str) -> str:
    """Make ``extract.ocr`` read with engine ``name``; its version."""
    if name == "openvino":
        return ocr.identity()
    if name == "openvino-f32":
        return _force_float32()
    if name == "onnxruntime":
        return _onnxruntime()
    if name == "tesseract":
        ocr._recognise = _tesseract  # type: ignore[assignment]
        first = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=True).stdout
        return _named(first.splitlines()[0] + " chi_sim (Debian tesseract-ocr-chi-sim)")
    raise SystemExit(f"unknown engine {name}")


def _named(version: str) -> str:
    """Record ``version`` as the engine's in every page record."""
    ocr.identity = lambda: version  # type: ignore[assignment]
    return version


def _force_float32() -> str:
    """Compile the three models again with float32 inference."""
    import openvino

    engine, core = ocr.engine(), openvino.Core()
    for holder in (engine._load_det_model(), engine._load_cls_model(), engine._load_rec_model()):
        compiled = core.compile_model(holder.session.model, "CPU", {"INFERENCE_PRECISION_HINT": "f32",
                                                                     "INFERENCE_NUM_THREADS": "1"})
        holder.session.session = compiled.create_infer_request()
    return _named(ocr.identity().rsplit(" ", 1)[0] + " f32")


def _onnxruntime() -> str:
    """The same models and pipeline, run by onnxruntime on one thread."""
    from pathlib import Path

    import onnxruntime
    import rapidocr
    from rapidocr import EngineType, RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    params: dict[str, Any] = {"Global.log_level": "warning", "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                              "EngineConfig.onnxruntime.inter_op_num_threads": 1}
    for task, file in ocr.MODELS.items():
        params[f"{task}.engine_type"] = EngineType.ONNXRUNTIME
        params[f"{task}.model_path"] = str(models / file)
    built = RapidOCR(params=params)
    ocr.engine = lambda: built  # type: ignore[assignment]
    return _named(f"rapidocr {metadata.version('rapidocr')} (PP-OCRv6 small); onnxruntime {onnxruntime.__version__}")


def _tesseract(image: Any, *, word_boxes: bool) -> tuple[list[ocr.Line], list[Fragment]]:
    """Lines and words from tesseract's TSV; spaces it puts between Chinese characters dropped."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    command = ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "3", "--dpi", "200",
               "-c", "preserve_interword_spaces=1", "tsv"]
    done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, check=True,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    grouped: dict[tuple[str, ...], list[tuple[str, float, tuple[float, float, float, float]]]] = {}
    for row in done.stdout.decode("utf-8").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) >= 12 and cols[0] == "5" and cols[11].strip():
            left, top, width, height = (float(v) for v in cols[6:10])
            word = (cols[11].strip(), max(float(cols[10]), 0.0) / 100, (left, top, left + width, top + height))
            grouped.setdefault(tuple(cols[2:5]), []).append(word)
    lines = [ocr.Line("".join(w[0] for w in words), sum(w[1] for w in words) / len(words),
                      (min(w[2][0] for w in words), min(w[2][1] for w in words),
                       max(w[2][2] for w in words), max(w[2][3] for w in words))) for words in grouped.values()]
    fragments = [Fragment(w[0], w[2]) for words in grouped.values() for w in words]
    return lines, fragments
