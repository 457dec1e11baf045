/**
 * A throwaway OpenSSH server on a free loopback port, as the current user, with its own host key,
 * client key and authorized_keys in a temporary directory: the SSH target of the stand-in command
 * plugin's tests and of the end-to-end tests (the proxy VM's stand-in).
 */
import { spawn, execFileSync, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "./openbao";

/** A running sshd. */
export interface RunningSshd {
    /** `127.0.0.1` */
    host: string;
    port: number;
    /** The login user: the current user. */
    user: string;
    /** The client's private key (OpenSSH PEM form, ed25519, unencrypted). */
    privateKeyPem: string;
    /** The client's public key (authorized_keys line). */
    publicKey: string;
    /** The server's host public key (authorized_keys form), for `hostKey` pinning. */
    hostPublicKey: string;
    /** A second key pair this sshd does NOT authorize: the CI jobs' key of the local default (sshPublicKey). */
    ciPrivateKeyPem: string;
    ciPublicKey: string;
    /** The temporary directory (config, keys, log); removed by stop(). */
    dir: string;
    /** Stops sshd, waits for it and removes the directory. */
    stop(): Promise<void>;
}

/** Options for {@link startSshd}. */
export interface SshdOptions {
    /**
     * sshd's AcceptEnv patterns: which environment variables a client may send. Like a distribution's
     * default (`LANG LC_*`) unless given; add e.g. `PULUMI_COMMAND_*` to let the command provider's
     * previous-output variables through.
     */
    acceptEnv?: string[];
    /**
     * The authorized_keys file sshd reads (default: one in the sshd's directory, rewritten with the client key). A
     * given file is written with the client key only when absent, as cloud-init does at the first boot: the proxy's
     * admin-key rotation (lib/render/proxy/adminKey.ts adminKeyScripts) rewrites it later.
     */
    authorizedKeysFile?: string;
}

const SSHD = "/usr/sbin/sshd";

/** The files of an sshd in a directory: config, host and client keys, log. */
export interface SshdFiles {
    dir: string;
    port: number;
    user: string;
    configFile: string;
    logFile: string;
    pidFile: string;
    privateKeyPem: string;
    publicKey: string;
    hostPublicKey: string;
    ciPrivateKeyPem: string;
    ciPublicKey: string;
}

/** The command line of sshd in the foreground (`-D`) with the files of {@link prepareSshd}. */
export function sshdArgs(files: Pick<SshdFiles, "configFile" | "logFile">): [string, string[]] {
    return [SSHD, ["-D", "-e", "-f", files.configFile, "-E", files.logFile]];
}

/**
 * Writes (or, when they exist, keeps) the host key, the client key, authorized_keys and an sshd_config listening on
 * 127.0.0.1:`port` into `dir`. Used by {@link startSshd} and by the long-lived sshd of `npm run up:local`.
 */
export function prepareSshd(dir: string, port: number, opts: SshdOptions = {}): SshdFiles {
    if (!fs.existsSync(SSHD))
        throw new Error(`${SSHD} is missing: run scripts/setup.sh (Debian package openssh-server)`);
    // sshd insists on its privilege separation directory even when it never drops privileges.
    if (!fs.existsSync("/run/sshd")) fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    fs.mkdirSync(dir, { recursive: true });
    const keygen = (file: string, comment: string) => {
        if (fs.existsSync(path.join(dir, file))) return;
        execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path.join(dir, file)], {
            stdio: "ignore",
        });
    };
    keygen("host_ed25519", "ovirt-ci-test-host");
    keygen("client_ed25519", "ovirt-ci-test-client");
    keygen("ci_ed25519", "ovirt-ci-test-ci-jobs");
    const publicKey = fs.readFileSync(path.join(dir, "client_ed25519.pub"), "utf8").trim();
    const authorizedKeys = opts.authorizedKeysFile ?? path.join(dir, "authorized_keys");
    if (!opts.authorizedKeysFile || !fs.existsSync(authorizedKeys)) {
        fs.mkdirSync(path.dirname(authorizedKeys), { recursive: true, mode: 0o700 });
        fs.writeFileSync(authorizedKeys, `${publicKey}\n`, { mode: 0o600 });
    }
    const user = os.userInfo().username;
    const configFile = path.join(dir, "sshd_config");
    const pidFile = path.join(dir, "sshd.pid");
    fs.writeFileSync(
        configFile,
        [
            `ListenAddress 127.0.0.1:${port}`,
            `HostKey ${path.join(dir, "host_ed25519")}`,
            `PidFile ${pidFile}`,
            `AuthorizedKeysFile ${authorizedKeys}`,
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            `AllowUsers ${user}`,
            `AcceptEnv ${(opts.acceptEnv ?? ["LANG", "LC_*"]).join(" ")}`,
            "AllowTcpForwarding yes",
            "X11Forwarding no",
            "PrintMotd no",
            "LogLevel VERBOSE",
            "Subsystem sftp internal-sftp",
            "",
        ].join("\n"),
    );
    return {
        dir,
        port,
        user,
        configFile,
        logFile: path.join(dir, "sshd.log"),
        pidFile,
        privateKeyPem: fs.readFileSync(path.join(dir, "client_ed25519"), "utf8"),
        publicKey,
        hostPublicKey: fs.readFileSync(path.join(dir, "host_ed25519.pub"), "utf8").trim(),
        ciPrivateKeyPem: fs.readFileSync(path.join(dir, "ci_ed25519"), "utf8"),
        ciPublicKey: fs.readFileSync(path.join(dir, "ci_ed25519.pub"), "utf8").trim(),
    };
}

/** Starts sshd; rejects with its log when it does not accept connections within 10 s. */
export async function startSshd(opts: SshdOptions = {}): Promise<RunningSshd> {
    if (!fs.existsSync(SSHD))
        throw new Error(`${SSHD} is missing: run scripts/setup.sh (Debian package openssh-server)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-sshd-"));
    const port = await freePort();
    const files = prepareSshd(dir, port, opts);
    const { user, publicKey } = files;
    const logFile = files.logFile;
    const [bin, args] = sshdArgs(files);
    const child: ChildProcess = spawn(bin, args, { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
            await exited;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").slice(-2000) : "(no log)");
    try {
        const deadline = Date.now() + 10_000;
        for (;;) {
            if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}:\n${log()}`);
            if (await sshBanner("127.0.0.1", port)) break;
            if (Date.now() > deadline)
                throw new Error(`sshd did not answer on 127.0.0.1:${port} within 10 s:\n${log()}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    } catch (e) {
        await stop();
        throw e;
    }
    return {
        host: "127.0.0.1",
        port,
        user,
        privateKeyPem: files.privateKeyPem,
        publicKey,
        hostPublicKey: files.hostPublicKey,
        ciPrivateKeyPem: files.ciPrivateKeyPem,
        ciPublicKey: files.ciPublicKey,
        dir,
        stop,
    };
}

/** Whether an SSH server greets on host:port. */
export function sshBanner(host: string, port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const s = net.connect(port, host);
        const done = (ok: boolean) => {
            s.destroy();
            resolve(ok);
        };
        s.setTimeout(1000, () => done(false));
        s.once("data", (d) => done(d.toString().startsWith("SSH-")));
        s.once("error", () => done(false));
    });
}
