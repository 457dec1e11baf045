/** The Markdown table of a benchmark run (bench/results/latest.md). */
import type { BenchResults, Figure } from "./harness";

/** The side-by-side table of the peer section: each scenario's median wall time and requests, both sides. */
function peerTable(r: BenchResults): string[] {
    const med = (id: string) => r.figures.find((f) => f.id === id)?.spread.median ?? NaN;
    const cell = (run: string) =>
        `${fmt(med(`peer.${run}.seconds`), "s")} s, ${fmt(med(`peer.${run}.requests`), "")} requests (${fmt(med(`peer.${run}.writes`), "")} writes)`;
    return [
        "The program and the oVirt Ansible playbook side by side (medians; the playbook builds the engine objects only):",
        "",
        "| scenario | pulumi | playbook | playbook ÷ pulumi |",
        "|---|---|---|---|",
        `| fresh ${r.options.leases} + ${r.options.upgradeLeases} | up: ${cell("fresh.up")} | ${cell("fresh.playbook")} | ${fmt(med("peer.fresh.speedup"), "×")}× |`,
        `| add one lease | up: ${cell("add.up")} | ${cell("add.playbook")} | ${fmt(med("peer.add.speedup"), "×")}× |`,
        `| nothing to do | preview: ${cell("noop.preview")} | --check: ${cell("noop.check")} | ${fmt(med("peer.noop.speedup"), "×")}× |`,
        `| nothing to do | up: ${cell("noop.up")} | second run: ${cell("noop.second")} | ${fmt(med("peer.noop.second.seconds") / med("peer.noop.up.seconds"), "×")}× |`,
        `| the floor (empty program, preview) | ${fmt(med("peer.floor.seconds"), "s")} s | | |`,
    ];
}

const fmt = (v: number, unit: string) => {
    if (!Number.isFinite(v)) return "–";
    if (unit === "req/s" || (unit === "" && Number.isInteger(v))) return String(Math.round(v));
    if (Math.abs(v) >= 100) return v.toFixed(0);
    if (Math.abs(v) >= 10) return v.toFixed(1);
    return v.toFixed(2);
};

function row(f: Figure): string {
    const s = f.spread;
    const target = f.target
        ? `${f.target.op} ${f.target.value}${f.unit === "%" ? " %" : f.unit === "×" ? "×" : ""}`
        : "";
    const verdict = f.met === undefined ? "" : f.met ? "met" : "**missed**";
    const u = f.unit ? ` ${f.unit}` : "";
    return `| ${f.title} | ${fmt(s.min, f.unit)} | ${fmt(s.median, f.unit)}${u} | ${fmt(s.max, f.unit)} | ${s.n} | ${target} | ${verdict} |`;
}

export function renderMarkdown(r: BenchResults): string {
    const m = r.machine;
    const lines = [
        `# Benchmark results (${r.date})`,
        "",
        `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; load average at start ${m.loadAverageAtStart.join(" / ")}, ` +
            `at end ${(m.loadAverageAtEnd ?? []).join(" / ")} (other test suites were running on the machine).`,
        `Versions: node ${r.versions.node}, Pulumi CLI ${r.versions.pulumiCli}, SDK ${r.versions.pulumiSdk}, commit ${r.versions.commit}.`,
        `Options: ${r.options.reps} repetitions; up ${r.options.leases} leases + ${r.options.upgradeLeases} upgrade leases at latency \`${r.options.latency}\`; ` +
            `scaling ${r.options.scaling.join(", ")} leases at \`${r.options.scalingLatency}\`; sections ${r.options.sections.join(", ")}; run time ${Math.round(r.durationSeconds)} s.`,
        "",
        "| figure | min | median | max | runs | target | |",
        "|---|---|---|---|---|---|---|",
        ...r.figures.map(row),
        "",
    ];
    const notes = r.figures.filter((f) => f.note);
    if (notes.length) {
        lines.push(
            "Notes:",
            "",
            ...notes.map((f) => `- ${f.title}: ${f.met === false ? "**missed**, " : ""}${f.note}`),
            "",
        );
    }
    const d = r.details as Record<string, unknown>;
    if (d.peer) lines.push(...peerTable(r), "");
    if (d.upRequestsPerObject) {
        lines.push(
            "Requests of the 0 → N `up`, by kind (median run):",
            "",
            "| kind | objects created | requests | GETs | writes | per object |",
            "|---|---|---|---|---|---|",
        );
        for (const [k, v] of Object.entries(
            d.upRequestsPerObject as Record<
                string,
                { objects: number; requests: number; gets: number; writes: number; perObject: number | null }
            >,
        )) {
            lines.push(`| ${k} | ${v.objects} | ${v.requests} | ${v.gets} | ${v.writes} | ${v.perObject ?? "–"} |`);
        }
        lines.push("");
    }
    if (d.criticalPath) {
        const cp = d.criticalPath as { resource: string; seconds: number }[];
        lines.push(
            `Critical path (engine waits on it): ${cp.map((p) => `${p.resource} ${p.seconds} s`).join(" → ")}.`,
            "",
        );
    }
    if (d.overshoots) {
        lines.push(
            "Poll overshoot per wait (median run):",
            "",
            "| wait | transition ms | overshoot ms | share % |",
            "|---|---|---|---|",
        );
        for (const o of d.overshoots as { what: string; durationMs: number; overshootMs: number; share: number }[])
            lines.push(`| ${o.what} | ${o.durationMs} | ${o.overshootMs} | ${o.share} |`);
        lines.push("");
    }
    return `${lines.join("\n")}\n`;
}
