/**
 * LOCAL STAND-IN for pulumi-resource-command 1.2.1 (docs/standin-plugins.md); not the upstream provider.
 * Implements `command:local:Command` and `command:remote:Command` as the SDK's doc comments and the
 * upstream provider describe them:
 * - create runs `create`; a change of any other input runs `update` if set, else `create` again;
 *   a change of `triggers` replaces the resource (the schema's replaceOnChanges); delete runs `delete`.
 * - PULUMI_COMMAND_STDOUT / PULUMI_COMMAND_STDERR hold the previous output for update and delete
 *   (unless addPreviousOutputInEnv is false); stdout and stderr lose one trailing newline.
 * - A non-zero exit fails the step with the whole command text and output, as upstream (secret or not).
 * - Remote commands run over SSH with the `ssh2` package (a pure-JS SSH client, like upstream's Go
 *   x/crypto/ssh): key (optionally encrypted), password or agent auth, a bastion `proxy`, `hostKey`
 *   pinning, `environment` sent as SSH env requests (the server's AcceptEnv decides, as upstream),
 *   and the dial retried like upstream (dialErrorLimit + 1 attempts, 100 ms growing 1.5×, ≈ 11 s by default).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Client, ClientChannel, ConnectConfig } from "ssh2";
import { Failure, Props, ResourceHandler, StandinError, changedKeys, get, nameOfUrn, secret, serve } from "./shared";
import { standinSchema, unsupportedInputFailures } from "./schema";

interface RunResult {
    stdout: string;
    stderr: string;
}

interface RunSpec {
    command: string;
    environment: Record<string, string>;
    stdin?: string;
}

/**
 * A failed command's error as upstream words it (pulumi-command v1.2.1 `provider/pkg/provider/local/commandOutputs.go`
 * and `remote/commandOutputs.go`: `fmt.Errorf("%w: running %q:\n%s", err, cmd, stdouterr)`): the whole command
 * text, quoted, and the whole combined output, even when the command is a secret. Scripts must therefore never
 * carry a secret in their text (lib/render/proxy/ passes secrets on stdin).
 */
function failure(how: string, spec: RunSpec, combined: string): StandinError {
    return new StandinError(`${how}: running ${JSON.stringify(spec.command)}:\n${combined}`);
}

function trimOne(s: string): string {
    return s.endsWith("\n") ? s.slice(0, -1) : s;
}

// ----- local --------------------------------------------------------------------------------------

async function runLocal(inputs: Props, spec: RunSpec): Promise<RunResult> {
    const interpreter = get<string[]>(inputs, "interpreter") ?? ["/bin/sh", "-c"];
    const dir = get<string>(inputs, "dir");
    return new Promise((resolve, reject) => {
        const child = spawn(interpreter[0], [...interpreter.slice(1), spec.command], {
            cwd: dir,
            env: { ...process.env, ...spec.environment },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let combined = "";
        child.stdout.on("data", (d: Buffer) => ((stdout += d), (combined += d)));
        child.stderr.on("data", (d: Buffer) => ((stderr += d), (combined += d)));
        child.on("error", (e) =>
            reject(failure(`cannot start ${interpreter[0]}${dir ? ` in ${dir}` : ""}: ${e.message}`, spec, combined)),
        );
        child.on("close", (code, signal) => {
            if (code === 0) resolve({ stdout: trimOne(stdout), stderr: trimOne(stderr) });
            else reject(failure(signal ? `signal: ${signal}` : `exit status ${code}`, spec, combined));
        });
        child.stdin.on("error", () => undefined); // a command that does not read stdin
        child.stdin.end(spec.stdin ?? "");
    });
}

// ----- remote -------------------------------------------------------------------------------------

interface ConnectionInput {
    host: string;
    port?: number;
    user?: string;
    password?: string;
    privateKey?: string;
    privateKeyPassword?: string;
    agentSocketPath?: string;
    hostKey?: string;
    dialErrorLimit?: number;
    perDialTimeout?: number;
    proxy?: Omit<ConnectionInput, "proxy">;
}

function sshConfig(c: Omit<ConnectionInput, "proxy">): ConnectConfig {
    const cfg: ConnectConfig = {
        host: c.host,
        port: c.port ?? 22,
        username: c.user ?? "root",
        readyTimeout: (c.perDialTimeout ?? 15) > 0 ? (c.perDialTimeout ?? 15) * 1000 : 24 * 3600 * 1000,
        keepaliveInterval: 10_000,
    };
    if (c.privateKey) {
        cfg.privateKey = c.privateKey;
        if (c.privateKeyPassword) cfg.passphrase = c.privateKeyPassword;
    }
    if (c.password) cfg.password = c.password;
    const agent = c.agentSocketPath ?? process.env.SSH_AUTH_SOCK;
    if (agent) cfg.agent = agent;
    if (c.hostKey) {
        // authorized_keys form: "<type> <base64 blob> [comment]"; compare the blob. As upstream (pulumi-command
        // v1.2.1 remote/connection.go SSHConfig: `ssh.FixedHostKey(publicKey)` and `HostKeyAlgorithms:
        // []string{publicKey.Type()}`), only the pinned key's type is asked for.
        const [type, blob] = c.hostKey.trim().split(/\s+/);
        const expected = blob ?? c.hostKey.trim();
        cfg.hostVerifier = (key: Buffer) => key.toString("base64") === expected;
        if (blob) cfg.algorithms = { serverHostKey: [type as never] };
    }
    return cfg;
}

/**
 * A refused host key in x/crypto/ssh's words (client.go `NewClientConn`: "ssh: handshake failed: %w"; keys.go
 * `fixedHostKey.check`: "ssh: host key mismatch"), as upstream's error carries it; ssh2 says "Host denied".
 */
function upstreamWords(e: Error): Error {
    return /^Host denied \(verification failed\)/.test(e.message)
        ? new Error("ssh: handshake failed: ssh: host key mismatch")
        : e;
}

function connectOnce(cfg: ConnectConfig): Promise<Client> {
    return new Promise((resolve, reject) => {
        const client = new Client();
        client.once("ready", () => resolve(client));
        client.once("error", (e) => {
            client.end();
            reject(upstreamWords(e));
        });
        client.connect(cfg);
    });
}

/**
 * Dials like upstream (pulumi-command v1.2.1 `remote/connection.go` `dialWithRetry` on pulumi's `retry.Until`,
 * sdk v3.224.0 `go/common/util/retry/until.go`): attempt 1 at once, then a wait of 100 ms growing 1.5× per attempt
 * (at most 5 s) before each next one; it gives up when the attempts exceed `dialErrorLimit` (default 10, so 11
 * attempts over ≈ 11 s; -1 never gives up) with "after N failed attempts: <last error>".
 */
async function dial(prefix: string, cfg: ConnectConfig, limit: number, via?: Client): Promise<Client> {
    let delayMs = 100;
    for (let attempt = 1; ; attempt++) {
        try {
            if (via) {
                const sock = await new Promise<ClientChannel>((resolve, reject) =>
                    via.forwardOut("127.0.0.1", 0, cfg.host!, cfg.port!, (err, stream) =>
                        err ? reject(err) : resolve(stream),
                    ),
                );
                return await connectOnce({ ...cfg, sock });
            }
            return await connectOnce(cfg);
        } catch (e) {
            if (limit >= 0 && attempt > limit) {
                throw new StandinError(`${prefix}after ${attempt - 1} failed attempts: ${(e as Error).message}`);
            }
            await new Promise((r) => setTimeout(r, Math.min(delayMs, 5000)));
            delayMs *= 1.5;
        }
    }
}

async function runRemote(inputs: Props, spec: RunSpec): Promise<RunResult> {
    const conn = get<ConnectionInput>(inputs, "connection");
    if (!conn?.host) throw new StandinError("connection.host is required");
    const label = (c: Omit<ConnectionInput, "proxy">) => `${c.user ?? "root"}@${c.host}:${c.port ?? 22}`;
    let proxy: Client | undefined;
    let client: Client | undefined;
    try {
        if (conn.proxy) proxy = await dial("proxy: ", sshConfig(conn.proxy), conn.proxy.dialErrorLimit ?? 10);
        client = await dial(conn.proxy ? "proxy: " : "", sshConfig(conn), conn.dialErrorLimit ?? 10, proxy);
        const c = client;
        return await new Promise<RunResult>((resolve, reject) => {
            c.exec(spec.command, { env: spec.environment }, (err, stream) => {
                if (err)
                    return reject(new StandinError(`ssh ${label(conn)}: cannot start the command: ${err.message}`));
                let stdout = "";
                let stderr = "";
                let combined = "";
                stream.on("data", (d: Buffer) => ((stdout += d), (combined += d)));
                stream.stderr.on("data", (d: Buffer) => ((stderr += d), (combined += d)));
                stream.on("close", (code: number | null, signal?: string) => {
                    if (code === 0) resolve({ stdout: trimOne(stdout), stderr: trimOne(stderr) });
                    // x/crypto/ssh `ExitError` text, as upstream prints it.
                    else
                        reject(
                            failure(
                                signal
                                    ? `Process exited with status ${code ?? 0} from signal ${signal}`
                                    : `Process exited with status ${code}`,
                                spec,
                                combined,
                            ),
                        );
                });
                stream.end(spec.stdin ?? undefined);
            });
        });
    } finally {
        client?.end();
        proxy?.end();
    }
}

// ----- the resources ------------------------------------------------------------------------------

const TYPES = { local: "command:local:Command", remote: "command:remote:Command" } as const;

function commandHandler(kind: "local" | "remote"): ResourceHandler {
    const schema = standinSchema(TYPES[kind]);
    const inputKeys = [...schema.inputs];
    const run = kind === "local" ? runLocal : runRemote;

    async function runStep(
        which: "create" | "update" | "delete",
        inputs: Props,
        previous?: Props,
    ): Promise<RunResult | undefined> {
        const command = get<string>(inputs, which);
        if (command === undefined || command === "") return undefined;
        const environment: Record<string, string> = { ...(get<Record<string, string>>(inputs, "environment") ?? {}) };
        if (previous && get<boolean>(inputs, "addPreviousOutputInEnv") !== false) {
            const out = get<string>(previous, "stdout");
            const err = get<string>(previous, "stderr");
            if (out) environment.PULUMI_COMMAND_STDOUT = out;
            if (err) environment.PULUMI_COMMAND_STDERR = err;
        }
        return run(inputs, { command, environment, stdin: get<string>(inputs, "stdin") });
    }

    /**
     * Outputs with upstream's secrecy (pulumi-go-provider v1.3.0 `infer/resource.go` `ensureDefaultSecrets`, the
     * default the command provider keeps): an output named like an input is secret when that input is;
     * `connection` is always secret (`provider:"secret"`); `stdout`/`stderr` are never secret by the provider,
     * whatever the command was (a program that prints secrets needs `additionalSecretOutputs`).
     */
    function outputs(inputs: Props, result: RunResult): Props {
        const outs: Props = {};
        for (const k of inputKeys) if (inputs[k] !== undefined && inputs[k] !== null) outs[k] = inputs[k];
        if (outs.connection !== undefined) outs.connection = secret(outs.connection);
        outs.stdout = result.stdout;
        outs.stderr = result.stderr;
        return outs;
    }

    return {
        async check(news) {
            const failures: Failure[] = [];
            if (kind === "remote" && (news.connection === undefined || news.connection === null)) {
                failures.push({ property: "connection", reason: "connection is required" });
            }
            failures.push(...unsupportedInputFailures(TYPES[kind], news));
            const inputs = { ...news };
            if (inputs.connection !== undefined && inputs.connection !== null)
                inputs.connection = secret(inputs.connection);
            return { inputs, failures };
        },
        async diff(_id, _state, oldInputs, news) {
            const changed = changedKeys(oldInputs, news, inputKeys);
            return { changed, replaces: changed.filter((k) => schema.replacesOnDiff.includes(k)) };
        },
        async create(urn, inputs) {
            const result = (await runStep("create", inputs)) ?? { stdout: "", stderr: "" };
            return { id: `${nameOfUrn(urn)}${randomBytes(4).toString("hex")}`, outs: outputs(inputs, result) };
        },
        async read(id, state) {
            // A command has no live state to read: a refresh keeps it.
            return { id, props: state };
        },
        async update(_id, oldState, news) {
            const which = get<string>(news, "update") ? "update" : "create";
            const result = (await runStep(which, news, oldState)) ?? {
                stdout: get<string>(oldState, "stdout") ?? "",
                stderr: get<string>(oldState, "stderr") ?? "",
            };
            return outputs(news, result);
        },
        async delete(_id, state) {
            await runStep("delete", state, state);
        },
    };
}

// Started last: the handlers above use module constants.
serve({
    name: "command",
    version: "1.2.1",
    resources: {
        [TYPES.local]: commandHandler("local"),
        [TYPES.remote]: commandHandler("remote"),
    },
});
