/**
 * File helpers: atomic writes (write to a temporary file beside the target, then rename),
 * so that an interrupted run never leaves a half-written result, checkpoint or table.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GanrlError } from "./validate";

/**
 * Writes `data` to `file` atomically, creating parent folders: a temporary file beside the
 * target is written and fsynced, renamed over the target, and the folder is fsynced, so that a
 * crash or power cut leaves either the old file or the new one, never an empty or partial one.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  // the host is in the name: processes on several machines may write into one shared folder
  const tmp = `${file}.tmp-${os.hostname().replace(/[^\w.-]/g, "_")}-${process.pid}-${Date.now()}`;
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      fs.writeFileSync(fd, data);
      // critical: without fsync the rename can reach the disk before the data (an empty file after a power cut)
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* the temporary file may not exist */
    }
    throw e;
  }
  fsyncDir(dir);
}

/** Makes a rename in `dir` durable (a no-op where folders cannot be opened, e.g. Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    /* some platforms and file systems cannot fsync a folder; the rename is still atomic */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `value` as pretty JSON, atomically. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 1) + "\n");
}

/** Reads and parses a JSON file, with errors that name the file. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new GanrlError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GanrlError(`${file} is not valid JSON (${(e as Error).message}); re-create it or restore it from git`);
  }
}

/**
 * The package root (the nearest folder above this file holding package.json): the same
 * whether this module runs from `lib/` (TypeScript) or from the compiled `dist/`.
 */
export const repoRoot: string = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
})();
