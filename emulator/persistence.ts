/** `--state` file: loaded on start, saved after every write, atomically (temp file + fsync + rename + dir fsync). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { State } from "./model/types";
import { normalizeState } from "./model/seed";

export function saveStateAtomic(file: string, state: State): void {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
        fs.writeSync(fd, JSON.stringify({ format: "ovirt-ci-emulator-state/1", savedAt: Date.now(), state }));
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    try {
        const dfd = fs.openSync(dir, "r");
        try {
            fs.fsyncSync(dfd);
        } finally {
            fs.closeSync(dfd);
        }
    } catch {
        // directory fsync is not supported everywhere; the rename is still atomic
    }
}

/** Returns the saved state, or undefined when the file does not exist. Throws with a clear message if it is unreadable. */
export function loadState(file: string): State | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`--state ${file}: cannot read (${(e as Error).message})`, { cause: e });
    }
    let doc: { format?: string; state?: State };
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new Error(
            `--state ${file}: not valid JSON (${(e as Error).message}); move it away to start from the seed`,
            { cause: e },
        );
    }
    if (doc.format !== "ovirt-ci-emulator-state/1" || !doc.state) {
        throw new Error(
            `--state ${file}: not an emulator state file (format ${JSON.stringify(doc.format)}); move it away to start from the seed`,
        );
    }
    return normalizeState(doc.state);
}
