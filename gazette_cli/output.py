"""Putting finished bytes where `--output` names: whole or not at all, and only there.

* A regular file (or a name that does not exist yet) is written atomically: into a
  temporary file beside it, renamed over it only when complete. An existing file keeps its
  mode (and, where we may, its owner); a new one gets 0666 minus the umask, like any file
  a shell redirection creates.
* A symlink is followed: its target is replaced atomically, the link itself stays.
* A device, FIFO or socket (``/dev/null``, a named pipe), and anything under /dev or /proc
  (``/dev/stdout`` is the shell's file or pipe), is written through, never replaced:
  renaming over ``/dev/null`` would replace the device.
* A name that ends in ``/`` names a directory, never a file.
* The temporary name fits the directory's longest file name (NAME_MAX): the target's name
  is shortened inside it, so a 250-byte target name still gets a temporary file.

Signals: :func:`install_signal_handlers` makes SIGINT, SIGTERM and SIGHUP remove the
temporary file being written, then end the process by that signal. The handler does the
cleanup itself rather than raise an exception: an exception raised from a signal handler
can land inside a ``__del__`` or a garbage-collector callback, where Python prints it and
carries on (seen with SIGTERM during an xlsx export: the traceback printed, the run went on).
"""
from __future__ import annotations

import os
import secrets
import signal
import stat
from pathlib import Path

from .errors import GazetteError

_TMP_TAIL = 1 + 8 + 4  # b"." + 8 hex digits + b".tmp"
_pending: set[bytes] = set()  # temporary files being written: the signal handler removes them


def check_target(output: str | os.PathLike) -> tuple[str, os.stat_result | None, bool]:
    """Where to write `output`: (path, its stat or None when it is not there yet, whether to
    write through rather than replace). Raises GazetteError when it cannot be an output
    file: a directory, a name ending in `/`, a missing parent directory. Cheap: the CLI
    calls it before any work."""
    name = os.fspath(output)
    if name.endswith(("/", os.sep)) or (os.altsep and name.endswith(os.altsep)):
        if os.path.isdir(name):
            raise GazetteError(f"{name}: is a directory (name a file inside it)")
        raise GazetteError(f"{name}: no such directory")
    parent = os.path.dirname(name) or "."
    # The system's answer first: realpath is lexical where a component is missing, and would
    # read `missing/../issue.txt` as `issue.txt`, which the system never opens.
    if not os.path.isdir(parent):
        raise GazetteError(f"{name}: no such directory {parent}")
    try:
        st = os.stat(name)
    except FileNotFoundError:  # not there yet, or a dangling symlink: created where it points
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise GazetteError(f"{name}: is a directory")
    if st is not None and not stat.S_ISREG(st.st_mode):
        return name, st, True  # a device, FIFO or socket
    path = os.path.realpath(name)  # through every symlink: the link stays, its target is replaced
    if any(p.startswith(("/proc/", "/dev/")) for p in (os.path.abspath(name), path)):
        return name, st, True  # /dev/stdout, /dev/fd/N: the shell's file, opened through the link
    if st is None and not os.path.isdir(os.path.dirname(path) or "."):
        raise GazetteError(f"{name}: no such directory {os.path.dirname(path)}")
    return path, st, False


def write_bytes(output: str | os.PathLike, data: bytes) -> None:
    """Put `data` at `output` (see the module's docstring). Raises GazetteError for a
    target that cannot be one, OSError for what the system refuses."""
    path, st, through = check_target(output)
    if through:
        # Never replaced (renaming over /dev/null replaces the device), nor truncated: after
        # `>> log` or `{ echo x; gazette … -o /dev/stdout; } > f`, /dev/stdout continues a file.
        with open(path, "ab") as fh:
            fh.write(data)
        return
    _replace_atomically(path, os.path.dirname(path) or ".", data, st)


def _temp_path(parent: str, target_name: str) -> bytes:
    """`.NAME.XXXXXXXX.tmp` beside the target, NAME shortened so the whole fits NAME_MAX."""
    try:
        name_max = os.pathconf(parent, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    room = max(0, min(name_max, 255) - 1 - _TMP_TAIL)
    stem = os.fsencode(target_name)[:room]  # bytes: a cut multi-byte character is harmless here
    return os.path.join(os.fsencode(parent), b"." + stem + b"." + secrets.token_hex(4).encode() + b".tmp")


def _replace_atomically(path: str, parent: str, data: bytes, st: os.stat_result | None) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = _temp_path(parent, os.path.basename(path))
        _pending.add(tmp)  # before it exists: a signal between open and add would leave it
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as to a shell redirection
            break
        except FileExistsError:
            _pending.discard(tmp)
            continue
        except BaseException:
            _pending.discard(tmp)
            raise
    else:  # pragma: no cover - 100 collisions of 32 random bits
        raise GazetteError(f"{path}: cannot create a temporary file beside it")
    try:
        try:
            if st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:  # not ours to give away (not root): the mode is kept, the owner is us
                    pass
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:  # ENOSPC, an interrupt in a library run …: leave nothing behind
        _remove(tmp)
        raise
    finally:
        _pending.discard(tmp)


def _remove(tmp: bytes) -> None:
    """Remove a temporary file, if it is still there."""
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _on_signal(signum, _frame):
    for tmp in list(_pending):
        _remove(tmp)
    try:
        what = "interrupted" if signum == signal.SIGINT else f"stopped by signal {signum}"
        os.write(2, f"gazette: {what}\n".encode())
    except OSError:
        pass
    signal.signal(signum, signal.SIG_DFL)  # end as the signal would have: the shell sees 128+n
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # pragma: no cover - not reached where kill delivers at once


def install_signal_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP remove the temporary output file, then end the process by
    the same signal. A signal the user chose to ignore (nohup) stays ignored. For the CLI's
    main(): a library caller keeps its own handlers."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue
            signal.signal(signum, _on_signal)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            pass


def same_file(output: str | os.PathLike, inputs) -> Path | None:
    """The input that `output` names (the same file, through symlinks and hard links), or None."""
    try:
        out_stat = os.stat(output)
    except OSError:
        return None  # does not exist (yet): it cannot be an input
    for p in inputs:
        try:
            st = os.stat(p)
        except (OSError, TypeError, ValueError):
            continue
        if (st.st_dev, st.st_ino) == (out_stat.st_dev, out_stat.st_ino) and stat.S_ISREG(st.st_mode):
            return Path(p)
    return None
