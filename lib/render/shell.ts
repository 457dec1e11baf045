/**
 * POSIX shell single quoting: everything between single quotes is literal (including `$`, backticks, `\`,
 * `"` and newlines); a single quote is written as `'\''`. NUL cannot be represented in a shell word.
 */
export function shellQuote(value: string): string {
    if (value.includes("\0")) {
        throw new Error("a shell value cannot contain a NUL byte");
    }
    return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A POSIX shell variable name. */
export function isShellName(name: string): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
