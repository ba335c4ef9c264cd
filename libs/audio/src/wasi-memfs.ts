/**
 * Just enough of WASI preview1, in JavaScript, to run a command-line program such as Flite: arguments, a clock,
 * standard output and error, and files written (not read) in one preopened directory that lives in memory.
 *
 * Why not node:wasi: under Node 20 its native bindings (V8 fast API calls) corrupted the heap when several
 * WebAssembly instances shared a process, seen as sporadic segmentation faults in Jest workers (about a third of
 * runs; none with `--no-turbo-fast-api-calls`). A shim in JavaScript has no such failure mode, needs no temporary
 * directory and prints no ExperimentalWarning. Everything is per run, so concurrent runs share nothing.
 */

/** WASI errno values used here. */
const enum Errno {
  Success = 0,
  Badf = 8,
  Inval = 28,
  Noent = 44,
  Spipe = 70,
}

const PREOPEN_FD = 3;
const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_DIRECTORY = 3;
const FILETYPE_REGULAR_FILE = 4;
const OFLAGS_CREAT = 1;
const ALL_RIGHTS = 0xffff_ffff_ffff_ffffn;
/** Standard output and error are kept for error messages, up to this many characters. */
const MAX_CONSOLE = 4_000;

/** The WebAssembly objects used here: TypeScript declares them only in the DOM libraries. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmInstance {
  readonly exports: { memory?: WasmMemory; _start?: () => void };
}

/** A file the program wrote, grown as it writes. */
class MemoryFile {
  private bytes = new Uint8Array(64 * 1024);
  size = 0;

  write(at: number, data: Uint8Array): void {
    const end = at + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, at);
    this.size = Math.max(this.size, end);
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

/** Thrown by proc_exit to unwind the program's stack back to {@link WasiMemFs.start}. */
class Exit {
  constructor(readonly code: number) {}
}

export interface WasiRun {
  exitCode: number;
  /** What the program wrote to standard output and error (the end of it). */
  console: string;
}

export class WasiMemFs {
  /** Files created by the program, by path relative to the preopened directory. */
  private readonly files = new Map<string, MemoryFile>();
  private readonly open = new Map<number, { file: MemoryFile; position: number }>();
  private nextFd = PREOPEN_FD + 1;
  private console = '';
  private memory: WasmMemory | undefined;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(private readonly args: readonly string[]) {}

  /** The import object to instantiate the module with. */
  imports(): Record<string, Record<string, (...args: never[]) => unknown>> {
    return { wasi_snapshot_preview1: this.syscalls() };
  }

  /** Runs the program's `_start` to completion. */
  start(instance: WasmInstance): WasiRun {
    const { memory, _start } = instance.exports;
    if (!memory || !_start) throw new Error('not a WASI command: it must export memory and _start');
    this.memory = memory;
    try {
      _start();
      return { exitCode: 0, console: this.console };
    } catch (error) {
      if (error instanceof Exit) return { exitCode: error.code, console: this.console };
      throw error;
    }
  }

  /** A file the program wrote, by its path relative to the preopened directory. */
  file(path: string): Uint8Array | undefined {
    return this.files.get(path)?.contents();
  }

  // The memory can grow during the run, detaching old views: every access takes a fresh view.
  private view(): DataView {
    return new DataView((this.memory as WasmMemory).buffer);
  }

  private bytes(pointer: number, length: number): Uint8Array {
    return new Uint8Array((this.memory as WasmMemory).buffer, pointer, length);
  }

  /** The buffers of an iovec array (pointer and length pairs). */
  private iovecs(iovs: number, count: number): Uint8Array[] {
    const view = this.view();
    return Array.from({ length: count }, (_, i) =>
      this.bytes(view.getUint32(iovs + i * 8, true), view.getUint32(iovs + i * 8 + 4, true)),
    );
  }

  private writeStrings(strings: readonly string[], pointers: number, buffer: number): void {
    let at = buffer;
    strings.forEach((value, i) => {
      const encoded = this.encoder.encode(`${value}\0`);
      this.view().setUint32(pointers + i * 4, at, true);
      this.bytes(at, encoded.length).set(encoded);
      at += encoded.length;
    });
  }

  private syscalls() {
    return {
      args_sizes_get: (countOut: number, sizeOut: number) => {
        const size = this.args.reduce((sum, arg) => sum + this.encoder.encode(arg).length + 1, 0);
        this.view().setUint32(countOut, this.args.length, true);
        this.view().setUint32(sizeOut, size, true);
        return Errno.Success;
      },
      args_get: (pointers: number, buffer: number) => {
        this.writeStrings(this.args, pointers, buffer);
        return Errno.Success;
      },
      clock_time_get: (_clock: number, _precision: bigint, timeOut: number) => {
        this.view().setBigUint64(timeOut, process.hrtime.bigint(), true);
        return Errno.Success;
      },
      fd_prestat_get: (fd: number, out: number) => {
        if (fd !== PREOPEN_FD) return Errno.Badf;
        this.view().setUint8(out, 0); // a directory
        this.view().setUint32(out + 4, 1, true); // its name, ".", is one byte long
        return Errno.Success;
      },
      fd_prestat_dir_name: (fd: number, pathOut: number, length: number) => {
        if (fd !== PREOPEN_FD || length < 1) return Errno.Badf;
        this.bytes(pathOut, 1).set(this.encoder.encode('.'));
        return Errno.Success;
      },
      fd_fdstat_get: (fd: number, out: number) => {
        const type =
          fd <= 2 ? FILETYPE_CHARACTER_DEVICE : fd === PREOPEN_FD ? FILETYPE_DIRECTORY : this.open.has(fd) ? FILETYPE_REGULAR_FILE : 0;
        if (!type) return Errno.Badf;
        const view = this.view();
        view.setUint8(out, type);
        view.setUint16(out + 2, 0, true);
        view.setBigUint64(out + 8, ALL_RIGHTS, true);
        view.setBigUint64(out + 16, ALL_RIGHTS, true);
        return Errno.Success;
      },
      fd_fdstat_set_flags: () => Errno.Success,
      path_open: (
        dirFd: number,
        _lookup: number,
        pathPointer: number,
        pathLength: number,
        openFlags: number,
        _rights: bigint,
        _inheriting: bigint,
        _fdFlags: number,
        fdOut: number,
      ) => {
        if (dirFd !== PREOPEN_FD) return Errno.Badf;
        // Only new files: the programs run here read nothing but their arguments.
        if (!(openFlags & OFLAGS_CREAT)) return Errno.Noent;
        const path = this.decoder.decode(this.bytes(pathPointer, pathLength).slice());
        const file = new MemoryFile();
        this.files.set(path, file);
        const fd = this.nextFd++;
        this.open.set(fd, { file, position: 0 });
        this.view().setUint32(fdOut, fd, true);
        return Errno.Success;
      },
      fd_write: (fd: number, iovs: number, count: number, writtenOut: number) => {
        const handle = this.open.get(fd);
        if (!handle && fd !== 1 && fd !== 2) return Errno.Badf;
        let written = 0;
        for (const buffer of this.iovecs(iovs, count)) {
          if (handle) {
            handle.file.write(handle.position, buffer);
            handle.position += buffer.length;
          } else {
            this.console = (this.console + this.decoder.decode(buffer)).slice(-MAX_CONSOLE);
          }
          written += buffer.length;
        }
        this.view().setUint32(writtenOut, written, true);
        return Errno.Success;
      },
      fd_read: (fd: number, _iovs: number, _count: number, readOut: number) => {
        if (fd !== 0) return Errno.Badf;
        this.view().setUint32(readOut, 0, true); // standard input is empty
        return Errno.Success;
      },
      fd_seek: (fd: number, offset: bigint, whence: number, positionOut: number) => {
        const handle = this.open.get(fd);
        if (!handle) return fd <= 2 ? Errno.Spipe : Errno.Badf;
        const base = [0, handle.position, handle.file.size][whence];
        const position = base === undefined ? -1 : base + Number(offset);
        if (position < 0) return Errno.Inval;
        handle.position = position;
        this.view().setBigUint64(positionOut, BigInt(position), true);
        return Errno.Success;
      },
      fd_close: (fd: number) => (this.open.delete(fd) || fd <= 2 ? Errno.Success : Errno.Badf),
      proc_exit: (code: number) => {
        throw new Exit(code);
      },
    };
  }
}
