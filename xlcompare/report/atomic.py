"""Writing outputs: every file or none, and never a device or a FIFO replaced by a file.

What `write_files_atomically` promises:

- A regular file (new, or existing; a symbolic link is followed and the file it names is
  written, the link kept) is written to a temporary file beside its target and flushed to
  disk. Only when every output is written are the temporaries renamed into place. If a rename
  fails, the renames already done are undone (each replaced file comes back from a hard-link
  backup taken just before its rename; a new file is removed), so after any error every target
  is as it was and no temporary file is left. The one gap is a crash of the whole process
  (kill -9, power loss) in the microseconds between two renames: then some targets are new, the
  others old, and the backup of each replaced file stays beside it as `.NAME.xlcompare-old`.
- An existing target that is not a regular file (a FIFO, a character device, `/dev/stdout`, or
  anything reached through /dev or /proc) is written in place, never renamed over: replacing
  `/dev/null` with a report is not what anyone asks for. These are written after every regular
  file is staged and before any rename, so a failed write there (ENOSPC, a reader that went
  away) changes no regular file. A FIFO that nobody reads is refused rather than waited on.
- Every failure is an `OutputError` whose message is one line naming the file and the cause.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from xlcompare.errors import OutputError

BACKUP_SUFFIX = ".xlcompare-old"
# Paths whose files are streams of this process or the kernel's, never files to replace.
_SPECIAL_ROOTS = ("/dev/", "/proc/")
_STDOUT_NAMES = frozenset({"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
_STDERR_NAMES = frozenset({"/dev/stderr", "/dev/fd/2", "/proc/self/fd/2"})


def write_files_atomically(outputs: Iterable[tuple[Path, str]]) -> list[Path]:
    """Write every (path, text) pair as UTF-8, or none of them (see the module docstring).

    Returns the paths as given. Raises OutputError.
    """
    items = [(Path(path), text) for path, text in outputs]
    streams: list[tuple[Path, str]] = []
    files: list[tuple[Path, Path, str]] = []  # (as given, file to write, text)
    seen: dict[Path, Path] = {}
    staged: list[tuple[Path, str, Path]] = []  # (as given, temporary, target)
    current = Path(".")
    try:
        for path, text in items:
            current = path
            if _is_stream(path):
                streams.append((path, text))
                continue
            target = Path(os.path.realpath(path))
            if target in seen:
                raise OutputError(f"{path}: named twice among the outputs (also as {seen[target]})")
            seen[target] = path
            files.append((path, target, text))
        for path, target, text in files:
            current = path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((path, tmp, target))
            try:
                _write_all(fd, text.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        for path, text in streams:
            current = path
            _write_stream(path, text)
        _commit(staged)
    except OSError as exc:
        failed = Path(exc.filename) if isinstance(exc.filename, str) and exc.filename else current
        raise OutputError(describe_os_error(exc, _given_name(failed, staged, current))) from None
    finally:
        for _, tmp, _ in staged:
            _unlink_quietly(tmp)
    return [path for path, _ in items]


def write_stdout(text: str) -> None:
    """Write `text` to standard output; a failed write (a full disk behind a redirection, a
    closed pipe) is an OutputError, not a traceback at interpreter exit."""
    try:
        sys.stdout.flush()
        try:
            fd = sys.stdout.fileno()
        except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        _write_all(fd, text.encode("utf-8"))
    except OSError as exc:
        _silence_stdout()
        raise OutputError(f"standard output: cannot write ({_reason(exc)})") from None


def describe_os_error(exc: OSError, path: object) -> str:
    """One line for an OSError met while writing `path`, with what to do about it."""
    code = exc.errno
    if code == errno.EISDIR:
        return f"{path}: is a directory; give a file name (or --out-dir for a folder)"
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{path}: cannot write ({_reason(exc)}); free some space or write elsewhere"
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path}: cannot write here ({_reason(exc)}); choose another output location"
    if code == errno.ELOOP:
        return f"{path}: is a loop of symbolic links; give a real file name"
    if code == errno.ENXIO:
        return f"{path}: a FIFO that no process is reading; start the reader first"
    if code == errno.EPIPE:
        return f"{path}: the reader closed the stream before the output was written"
    return f"{path}: cannot write ({_reason(exc)})"


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _given_name(failed: Path, staged: list[tuple[Path, str, Path]], current: Path) -> Path:
    """The output path as the user gave it, for a failure on `failed` (maybe a temporary)."""
    for path, tmp, target in staged:
        if failed in (Path(tmp), target):
            return path
    return current if failed.name.startswith(".") and failed.name.endswith(".tmp") else failed


def _is_stream(path: Path) -> bool:
    """True for an existing target that must be written in place, not replaced."""
    if str(path) in _STDOUT_NAMES | _STDERR_NAMES:
        return True
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(mode):
        raise OutputError(describe_os_error(OSError(errno.EISDIR, "Is a directory"), path))
    return not stat.S_ISREG(mode) or _reached_through_special(path)


def _reached_through_special(path: Path) -> bool:
    """True when `path`, or a symbolic link on the way to its file, lies under /dev or /proc
    (/dev/stdout redirected to a file is a regular file, but renaming over it loses output)."""
    current = os.path.abspath(path)
    for _ in range(40):
        if current.startswith(_SPECIAL_ROOTS):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.abspath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return False


def _write_stream(path: Path, text: str) -> None:
    if str(path) in _STDOUT_NAMES:
        write_stdout(text)
        return
    if str(path) in _STDERR_NAMES:
        sys.stderr.flush()
        _write_all(sys.stderr.fileno(), text.encode("utf-8"))
        return
    mode = os.stat(path).st_mode
    flags = os.O_WRONLY
    if stat.S_ISFIFO(mode):
        # Opening a FIFO for writing blocks until a reader comes; non-blocking, it fails at
        # once (ENXIO) instead, and the write itself then blocks as a normal pipe write.
        flags |= os.O_NONBLOCK
    elif stat.S_ISREG(mode):
        flags |= os.O_TRUNC
    fd = os.open(path, flags)
    try:
        if flags & os.O_NONBLOCK:
            os.set_blocking(fd, True)
        _write_all(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise. A full disk first takes what fits and reports no error;
    Python's text and buffered files drop the short count, so a report would be cut short
    without a word. The next write after a short one raises (ENOSPC, EFBIG)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _commit(staged: list[tuple[Path, str, Path]]) -> None:
    """Rename every temporary into place; on a failure, undo the renames already done."""
    umask = os.umask(0)
    os.umask(umask)
    done: list[tuple[Path, Path | None]] = []  # (target, backup of the file it replaced)
    backup: Path | None = None
    try:
        for _, tmp, target in staged:
            backup = None
            try:
                mode = stat.S_IMODE(os.stat(target).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~umask  # what a plain open() would give a new file
            else:
                backup = target.with_name(f".{target.name}{BACKUP_SUFFIX}")
                _unlink_quietly(backup)  # left by a crash of an earlier run
                try:
                    os.link(target, backup)
                except OSError:  # a file system without hard links
                    shutil.copy2(target, backup)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
            done.append((target, backup))
            backup = None
    except BaseException:
        if backup is not None:
            _unlink_quietly(backup)
        for target, previous in reversed(done):
            try:
                if previous is None:
                    os.unlink(target)
                else:
                    os.replace(previous, target)
            except OSError:
                pass  # best effort: the original error is the one to report
        raise
    for _, previous in done:
        if previous is not None:
            _unlink_quietly(previous)


def _unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so that the interpreter's final flush of the
    unwritten buffer does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's buffer): nothing will be flushed at exit
