/**
 * The shell building blocks of every script the proxy runs (pure: text in, text out). A script runs as one
 * `[sudo -n ]sh -c '<script>'` over SSH ({@link wrap}); a file is written to `<path>.new` ({@link writeNew}),
 * checked by the proxy's own tool ({@link checkNew}) and moved over the live file only when it differs
 * ({@link install}, which sets `changed=1`), so re-running a script with the same inputs changes nothing.
 */
import { ProxyTool, versionGateLines } from "../proxyVersions";
import { shellQuote } from "../shell";

/** A create/delete pair for one `command.remote.Command`. */
export interface ScriptPair {
    readonly create: string;
    readonly delete: string;
}

const EOF_MARK = "OVIRT_CI_EOF_7f3a";

/** The directory part of a path ("/" for a file at the top). */
function dirOf(path: string): string {
    return path.replace(/\/[^/]*$/, "") || "/";
}

/** Shell lines writing `content` to `<path>.new` (a quoted here-document: nothing in it is expanded). */
export function writeNew(path: string, content: string): string {
    if (content.split("\n").includes(EOF_MARK)) {
        throw new Error(`file ${path}: content contains the here-document marker ${EOF_MARK}`);
    }
    if (!content.endsWith("\n")) {
        content += "\n";
    }
    return `mkdir -p ${shellQuote(dirOf(path))}\ncat > ${shellQuote(`${path}.new`)} <<'${EOF_MARK}'\n${content}${EOF_MARK}\n`;
}

/**
 * Shell lines writing the script's standard input to `<path>.new` (mode 0600): how a file holding a secret gets
 * onto the VM. The command provider quotes a failing command's whole text in its error (docs/standin-plugins.md),
 * so no secret may be in a script's text; the Command's `stdin` carries it and stays a secret in the state.
 */
export function writeNewFromStdin(path: string): string {
    return `mkdir -p ${shellQuote(dirOf(path))}\n(umask 077; cat > ${shellQuote(`${path}.new`)})\n`;
}

/**
 * Lines that wait until cloud-init has finished booting the VM (its packages, users and files), so nothing is
 * configured half-way through. Only where cloud-init is installed (a host it did not boot has none).
 * `cloud-init status --wait` exits 1 on a failed boot; since 23.4 it exits 2 for recoverable errors, which
 * cloud-init's documentation ("return codes") says to treat as done.
 */
export const CLOUD_INIT_WAIT =
    `if command -v cloud-init >/dev/null 2>&1; then\n` +
    `  rc=0; cloud-init status --wait >/dev/null 2>&1 || rc=$?\n` +
    `  if [ "$rc" = 1 ]; then echo "cloud-init failed on this VM (cloud-init status --wait exited 1): see /var/log/cloud-init-output.log; fix the VM or its template, then run pulumi up again" >&2; exit 1; fi\n` +
    `fi\n`;

/**
 * Lines that check `<path>.new` with the proxy's own `tool` (first refusing a version older than the renderers
 * write for, lib/render/proxyVersions.ts) before it may replace the live file: when the check fails, the new file
 * is removed and the step fails with the checker's message; the live file and the running service stay as they are.
 */
export function checkNew(path: string, tool: ProxyTool, check: string): string {
    const n = shellQuote(`${path}.new`);
    return (
        versionGateLines(tool, `rm -f ${n}`) +
        `if ! out="$(${check} 2>&1)"; then rm -f ${n}; ` +
        `echo "the proxy's ${tool} rejects the new ${path}; the live file and the running service are unchanged. ${tool} said: $out" >&2; exit 1; fi\n`
    );
}

/** Lines that move `<path>.new` over `path` when it differs; sets `changed=1` then. */
export function install(path: string): string {
    const p = shellQuote(path);
    const n = shellQuote(`${path}.new`);
    return `if cmp -s ${n} ${p}; then rm -f ${n}; else mv -f ${n} ${p}; changed=1; fi\n`;
}

/** Wraps a script into the one command line the SSH session runs. */
export function wrap(target: { readonly sudo: boolean }, script: string): string {
    return `${target.sudo ? "sudo -n " : ""}sh -c ${shellQuote(`set -eu\n${script}`)}`;
}

/** A line that stops the script with `message` on stderr. */
export function fail(message: string): string {
    return `echo ${shellQuote(message)} >&2; exit 1`;
}
