import * as assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_ADDRESSING, DEFAULT_NAMING, LeaseScheme, lease, leases } from "../../lib/leaseModel";
import { LEASE_FILE_KEYS, renderLeaseFile } from "../../lib/render/leaseFile";
import { renderUpgradeLeaseFile } from "../../lib/render/upgradeLeaseFile";
import { renderOvirtConf } from "../../lib/render/ovirtConf";
import { SendEventOptions, renderSendEventScript } from "../../lib/render/sendEvent";
import { renderDnsmasqConfig } from "../../lib/render/dnsmasq";
import { renderHaproxyConfig } from "../../lib/render/haproxy";
import { renderIptablesNat, renderNftablesNat } from "../../lib/render/nat";
import { dnsRecords, renderZoneRecords } from "../../lib/render/dnsRecords";

const scheme: LeaseScheme = {
    baseDomain: "gcp.devcluster.openshift.com",
    addressing: DEFAULT_ADDRESSING,
    naming: DEFAULT_NAMING,
};
const CLUSTER_ID = "11111111-2222-3333-4444-555555555555";
const SD_ID = "66666666-7777-8888-9999-000000000000";

function tmpdir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-ci-unit-"));
}

describe("lease files (docs/ci-contract.md sections 4, 5)", () => {
    it("ovirt-10.json is byte-exact (the contract's example)", () => {
        assert.equal(
            renderLeaseFile(lease(10, scheme), { clusterId: CLUSTER_ID, storageDomainId: SD_ID }),
            `{
  "cluster_name": "ovirt10",
  "ovirt_network_name": "ovn-vmnet-10",
  "ovirt_apivip": "192.168.210.30",
  "ovirt_dnsvip": "192.168.210.31",
  "ovirt_ingressvip": "192.168.210.32",
  "machine_network_cidr": "192.168.0.0/16",
  "ovirt_cluster_id": "11111111-2222-3333-4444-555555555555",
  "ovirt_storage_domain_id": "66666666-7777-8888-9999-000000000000"
}
`,
        );
    });

    it("ovirt-23.json is byte-exact", () => {
        assert.equal(
            renderLeaseFile(lease(23, scheme), { clusterId: CLUSTER_ID, storageDomainId: SD_ID }),
            '{\n  "cluster_name": "ovirt23",\n  "ovirt_network_name": "ovn-vmnet-23",\n  "ovirt_apivip": "192.168.223.30",\n' +
                '  "ovirt_dnsvip": "192.168.223.31",\n  "ovirt_ingressvip": "192.168.223.32",\n  "machine_network_cidr": "192.168.0.0/16",\n' +
                `  "ovirt_cluster_id": "${CLUSTER_ID}",\n  "ovirt_storage_domain_id": "${SD_ID}"\n}\n`,
        );
    });

    it("every install lease file has exactly the eight keys, all strings, readable with jq -r", () => {
        for (const l of leases([10, 14, 23], scheme)) {
            const text = renderLeaseFile(l, { clusterId: CLUSTER_ID, storageDomainId: SD_ID });
            const parsed = JSON.parse(text) as Record<string, unknown>;
            assert.deepEqual(Object.keys(parsed).sort(), [...LEASE_FILE_KEYS].sort());
            assert.ok(Object.values(parsed).every((v) => typeof v === "string"));
            const viaJq = execFileSync("jq", ["-r", ".ovirt_apivip"], { input: text }).toString();
            assert.equal(viaJq, `${l.apiVip}\n`);
        }
    });

    it("refuses ids that are not UUIDs (a missing id must never become the string null)", () => {
        assert.throws(
            () => renderLeaseFile(lease(10, scheme), { clusterId: "null", storageDomainId: SD_ID }),
            /ovirt_cluster_id must be a UUID/,
        );
        assert.throws(() => renderUpgradeLeaseFile(""), /must be a UUID/);
    });

    it("ovirt-upgrade-N.json has one key", () => {
        assert.equal(renderUpgradeLeaseFile(SD_ID), `{\n  "ovirt_storage_domain_id": "${SD_ID}"\n}\n`);
    });
});

describe("ovirt.conf (docs/ci-contract.md section 6)", () => {
    const hostile = {
        engineUrl: "https://engine.example.com/ovirt-engine/api",
        engineUsername: "admin@internal",
        enginePassword: `p a'ss"w$rd \`id\` $(touch /tmp/pwned) \\n\nsecond line' ; echo x`,
        baseDomain: "gcp.devcluster.openshift.com",
        storageDomainId: SD_ID,
    };
    const names = [
        "OVIRT_ENGINE_URL",
        "OVIRT_ENGINE_USERNAME",
        "OVIRT_ENGINE_PASSWORD",
        "BASE_DOMAIN",
        "OVIRT_ENGINE_STORAGE_DOMAIN_ID",
    ];
    const expected = [hostile.engineUrl, hostile.engineUsername, hostile.enginePassword, hostile.baseDomain, SD_ID];

    for (const shell of ["bash", "sh"]) {
        it(`survives \`source\` in ${shell} with hostile values, under set -eu and allexport`, () => {
            const dir = tmpdir();
            const file = path.join(dir, "ovirt.conf");
            fs.writeFileSync(file, renderOvirtConf(hostile));
            const script = `set -eu; set -o allexport; . "$1"; set +o allexport; for v in ${names.join(" ")}; do eval "printf '%s\\\\0' \\"\\$$v\\""; done; env | grep -c '^OVIRT_ENGINE_PASSWORD=' >&2`;
            const r = spawnSync(shell, ["-c", script, "sh", file], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(r.stdout.split("\0").slice(0, -1), expected);
            assert.equal(r.stderr.trim(), "1"); // exported under allexport
            assert.ok(!fs.existsSync("/tmp/pwned"));
            fs.rmSync(dir, { recursive: true });
        });
    }

    it("does not emit OVIRT_ENGINE_CLUSTER_ID unless asked (it would override the lease files)", () => {
        assert.ok(!renderOvirtConf(hostile).includes("OVIRT_ENGINE_CLUSTER_ID"));
        assert.ok(
            renderOvirtConf({ ...hostile, clusterId: CLUSTER_ID }).includes(
                `OVIRT_ENGINE_CLUSTER_ID='${CLUSTER_ID}'\n`,
            ),
        );
    });

    it("is plain quoted assignments", () => {
        assert.equal(
            renderOvirtConf({
                engineUrl: "https://e.example.com/ovirt-engine/api",
                engineUsername: "admin@internal",
                enginePassword: "it's",
                baseDomain: "example.com",
            }),
            "# ovirt.conf: generated by ovirt-ci (Pulumi); do not edit. Sourced by OpenShift CI steps.\n" +
                "OVIRT_ENGINE_URL='https://e.example.com/ovirt-engine/api'\nOVIRT_ENGINE_USERNAME='admin@internal'\n" +
                "OVIRT_ENGINE_PASSWORD='it'\\''s'\nBASE_DOMAIN='example.com'\n",
        );
    });

    it("refuses an engine URL the CA download would break on", () => {
        assert.throws(
            () => renderOvirtConf({ ...hostile, engineUrl: "https://e/ovirt-engine/api/" }),
            /must end exactly in \/api/,
        );
    });
});

describe("send-event-to-ovirt.sh (docs/ci-contract.md section 14)", () => {
    function setup(curlExit: number, options: SendEventOptions = {}) {
        const dir = tmpdir();
        const bin = path.join(dir, "bin");
        const shared = path.join(dir, "shared");
        fs.mkdirSync(bin);
        fs.mkdirSync(shared);
        // Fake curl: records its arguments (one per line) and the posted body, then fails or prints a status.
        fs.writeFileSync(
            path.join(bin, "curl"),
            `#!/bin/bash\nn=$(ls "${dir}"/call-* 2>/dev/null | wc -l)\nprintf '%s\\n' "$@" > "${dir}/call-$n"\n` +
                `for a in "$@"; do case "$a" in @*) cp "\${a#@}" "${dir}/body-$n";; esac; done\n` +
                `prev=; for a in "$@"; do [ "$prev" = --cacert ] && cp "$a" "${dir}/ca-$n"; prev="$a"; done\n` +
                `[ ${curlExit} -eq 0 ] && printf 201\nexit ${curlExit}\n`,
            { mode: 0o755 },
        );
        const script = path.join(dir, "send-event-to-ovirt.sh");
        fs.writeFileSync(script, renderSendEventScript(options));
        return { dir, bin, shared, script };
    }

    const jobSpec = {
        type: "presubmit",
        job: "pull-ci-openshift-installer-master-e2e-ovirt",
        buildid: "1478123456789012345",
        refs: { pulls: [{ link: "https://github.com/openshift/installer/pull/1" }] },
        note: `a<b & "c" 'd'`,
        decoration_config: { timeout: "4h", gcs_configuration: { bucket: "x" } },
    };

    function run(
        curlExit: number,
        env: Record<string, string>,
        caller = "set -euo pipefail",
        options: SendEventOptions = {},
    ) {
        const t = setup(curlExit, options);
        const cmd =
            `${caller}; source "$1"; before="$(set +o)"; send_event_to_ovirt Started; rc=$?; after="$(set +o)"; ` +
            `[ "$before" = "$after" ] || { echo "shell options changed" >&2; exit 3; }; echo "rc=$rc continued"`;
        const start = Math.floor(Date.now() / 1000);
        const r = spawnSync("bash", ["-c", cmd, "bash", t.script], {
            encoding: "utf8",
            env: {
                PATH: `${t.bin}:${process.env.PATH}`,
                OVIRT_ENGINE_URL: "https://engine.example.com/ovirt-engine/api",
                OVIRT_ENGINE_USERNAME: "admin@internal",
                OVIRT_ENGINE_PASSWORD: "s3cr$t pass",
                OCP_CLUSTER: "ovirt10",
                BUILD_ID: "1478123456789012345",
                JOB_SPEC: JSON.stringify(jobSpec),
                SHARED_DIR: t.shared,
                ...env,
            },
        });
        const end = Math.floor(Date.now() / 1000);
        const calls = fs
            .readdirSync(t.dir)
            .filter((f) => f.startsWith("call-"))
            .sort()
            .map((f) => fs.readFileSync(path.join(t.dir, f), "utf8").split("\n").slice(0, -1));
        const eventXml = fs.existsSync(path.join(t.shared, "event.xml"))
            ? fs.readFileSync(path.join(t.shared, "event.xml"), "utf8")
            : undefined;
        const posted = fs.existsSync(path.join(t.dir, "body-1"))
            ? fs.readFileSync(path.join(t.dir, "body-1"), "utf8")
            : undefined;
        const caSeen = [0, 1].map((n) =>
            fs.existsSync(path.join(t.dir, `ca-${n}`))
                ? fs.readFileSync(path.join(t.dir, `ca-${n}`), "utf8")
                : undefined,
        );
        fs.rmSync(t.dir, { recursive: true });
        return { r, calls, eventXml, posted, start, end, caSeen };
    }

    const unescape = (s: string) =>
        s
            .replaceAll("&lt;", "<")
            .replaceAll("&gt;", ">")
            .replaceAll("&quot;", '"')
            .replaceAll("&apos;", "'")
            .replaceAll("&amp;", "&");

    it("probes port 54323, then POSTs the event with Basic auth and XML headers, verifying TLS (no -k)", () => {
        const { r, calls } = run(0, {});
        assert.equal(r.status, 0, r.stderr);
        assert.equal(calls.length, 2);
        assert.ok(calls[0].includes("https://engine.example.com:54323/"), calls[0].join(" "));
        const post = calls[1];
        const after = (flag: string) => post[post.indexOf(flag) + 1];
        assert.ok(!calls[0].includes("-k") && !post.includes("-k"), "TLS verification stays on");
        assert.equal(after("-X"), "POST");
        assert.equal(after("-u"), "admin@internal:s3cr$t pass");
        assert.ok(post.includes("Accept: application/xml"));
        assert.ok(post.includes("Content-Type: application/xml"));
        assert.equal(post[post.length - 1], "https://engine.example.com/ovirt-engine/api/events");
        assert.match(r.stdout, /HTTP 201/);
    });

    it("verifies the engine against the embedded engine CA, and removes its temporary copy", () => {
        const ca = "-----BEGIN CERTIFICATE-----\nMIIBdGVzdA==\n-----END CERTIFICATE-----\n";
        const { r, calls, caSeen } = run(0, {}, "set -euo pipefail", { engineCaPem: ca });
        assert.equal(r.status, 0, r.stderr);
        for (const call of calls) {
            assert.ok(call.includes("--cacert") && !call.includes("-k"), call.join(" "));
            assert.ok(!fs.existsSync(call[call.indexOf("--cacert") + 1]), "the CA copy is removed");
        }
        assert.deepEqual(caSeen, [ca, ca]);
        assert.throws(
            () => renderSendEventScript({ engineCaPem: "x\nOVIRT_CI_ENGINE_CA\nrm -rf /" }),
            /PEM certificate/,
        );
        assert.throws(() => renderSendEventScript({ engineCaPem: ca, insecure: true }), /exclude/);
    });

    it("skips verification only with the program's own engineInsecure", () => {
        const { r, calls } = run(0, {}, "set -euo pipefail", { insecure: true });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(calls.every((c) => c.includes("-k")));
    });

    it("writes the XML body to SHARED_DIR/event.xml with the contract's description and custom_id", () => {
        const { r, eventXml, posted, start, end } = run(0, {});
        assert.equal(r.status, 0, r.stderr);
        assert.ok(eventXml);
        assert.equal(posted, eventXml);
        const m =
            /^<event>\n  <description>(.*)<\/description>\n  <severity>normal<\/severity>\n  <origin>openshift-ci<\/origin>\n  <custom_id>(\d+)<\/custom_id>\n<\/event>\n$/s.exec(
                eventXml,
            );
        assert.ok(m, eventXml);
        assert.ok(!m[1].includes("<") && !m[1].includes('"'), "description is XML-escaped");
        const fields = unescape(m[1]).split(";");
        assert.equal(fields.length, 4);
        assert.deepEqual(fields.slice(0, 3), ["Openshift CI - cluster installation", "ovirt10", "Started"]);
        const { decoration_config: _dropped, ...withoutDecoration } = jobSpec;
        assert.deepEqual(JSON.parse(fields[3]), withoutDecoration);
        const id = Number(m[2]);
        assert.ok(id >= start + 9012345 && id <= end + 9012345, `custom_id ${id}`);
    });

    it("reads the last 7 digits of BUILD_ID as decimal (leading zeros are not octal)", () => {
        const { eventXml, start, end } = run(0, { BUILD_ID: "1230000089" });
        const id = Number(/<custom_id>(\d+)</.exec(eventXml!)![1]);
        assert.ok(id >= start + 89 && id <= end + 89, `custom_id ${id}`);
    });

    it("never fails the caller and leaves its shell options alone, even when curl fails", () => {
        const { r } = run(7, {});
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /rc=0 continued/);
    });

    it("survives unset inputs under set -u and without jq-parsable JOB_SPEC", () => {
        const { r, eventXml } = run(7, { JOB_SPEC: "not json", BUILD_ID: "", OCP_CLUSTER: "" });
        assert.equal(r.status, 0, r.stderr);
        assert.match(eventXml!, /<description>Openshift CI - cluster installation;;Started;not json<\/description>/);
    });

    it("does not print the password under set -x", () => {
        const { r } = run(0, {}, "set -euxo pipefail");
        assert.equal(r.status, 0, r.stderr);
        assert.ok(!r.stderr.includes("s3cr$t"), r.stderr);
    });
});

describe("dnsmasq per lease network", () => {
    const golden = `# ovirt-10: network ovn-vmnet-10, subnet 192.168.210.0/24, cluster ovirt10
# generated by ovirt-ci (Pulumi); do not edit
pid-file=/run/dnsmasq-ovirt-10.pid
bind-dynamic
interface=vmnet10
except-interface=lo
port=53
no-resolv
no-hosts
server=8.8.8.8
domain=gcp.devcluster.openshift.com
dhcp-range=192.168.210.101,192.168.210.150,255.255.255.0,5m
dhcp-option=3,192.168.210.1
dhcp-leasefile=/var/lib/dnsmasq/ovirt-10.leases
dhcp-authoritative
address=/api.ovirt10.gcp.devcluster.openshift.com/192.168.210.30
address=/.apps.ovirt10.gcp.devcluster.openshift.com/192.168.210.32
`;
    it("renders ovirt-10 exactly", () => {
        assert.equal(renderDnsmasqConfig(lease(10, scheme)), golden);
    });

    it("passes dnsmasq --test", () => {
        const dir = tmpdir();
        fs.writeFileSync(path.join(dir, "a.conf"), golden);
        const r = spawnSync("dnsmasq", ["--test", "-C", path.join(dir, "a.conf")], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        fs.rmSync(dir, { recursive: true });
    });

    it("answers the api and *.apps records when run on loopback", function () {
        this.timeout(20000);
        const dir = tmpdir();
        const port = 20000 + (process.pid % 20000);
        const conf = renderDnsmasqConfig(lease(10, scheme), {
            interfaceName: null,
            listenAddress: "127.0.0.1",
            port,
            dhcp: false,
            runDir: dir,
            upstreamServers: ["127.0.0.1#9"],
        });
        fs.writeFileSync(path.join(dir, "d.conf"), conf);
        const child = spawn("dnsmasq", ["-k", "-C", path.join(dir, "d.conf")], { stdio: "ignore" });
        try {
            const dig = (name: string) => {
                for (let i = 0; i < 40; i++) {
                    const out = spawnSync(
                        "dig",
                        ["+short", "+time=1", "+tries=1", "-p", String(port), "@127.0.0.1", name],
                        { encoding: "utf8" },
                    ).stdout.trim();
                    if (out && !out.startsWith(";")) {
                        return out;
                    }
                    spawnSync("sleep", ["0.1"]);
                }
                return "";
            };
            assert.equal(dig("api.ovirt10.gcp.devcluster.openshift.com"), "192.168.210.30");
            assert.equal(dig("console-openshift-console.apps.ovirt10.gcp.devcluster.openshift.com"), "192.168.210.32");
        } finally {
            child.kill("SIGTERM");
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("HAProxy from all leases", () => {
    const cfg = renderHaproxyConfig(leases([11, 10], scheme), { statsUser: "admin", statsPassword: "Secret123" });

    it("renders deterministic frontends ordered by lease number", () => {
        const section = (name: string) => cfg.split("\n\n").find((s) => s.startsWith(`${name}\n`))!;
        assert.equal(
            section("frontend api"),
            [
                "frontend api",
                "    bind *:6443",
                "    mode tcp",
                "    option tcplog",
                "    tcp-request inspect-delay 5s",
                "    tcp-request content accept if { req_ssl_hello_type 1 }",
                "    use_backend api-ovirt-10 if { req_ssl_sni -i api.ovirt10.gcp.devcluster.openshift.com }",
                "    use_backend api-ovirt-11 if { req_ssl_sni -i api.ovirt11.gcp.devcluster.openshift.com }",
            ].join("\n"),
        );
        assert.ok(
            section("frontend apps-https").includes(
                "    use_backend apps-https-ovirt-10 if { req_ssl_sni -i -m end .apps.ovirt10.gcp.devcluster.openshift.com }",
            ),
        );
        assert.ok(
            section("frontend apps-http").includes(
                "    use_backend apps-http-ovirt-11 if { req.hdr(host) -i -m reg ^[^:]*[.]apps[.]ovirt11[.]gcp[.]devcluster[.]openshift[.]com(:[0-9]+)?$ }",
            ),
        );
        assert.ok(section("frontend stats").includes("    bind *:8404\n    mode http\n    stats enable"));
        assert.ok(section("frontend stats").includes("    stats auth admin:Secret123"));
        assert.equal(
            section("backend api-ovirt-10"),
            "backend api-ovirt-10\n    mode tcp\n    server ovirt10-api 192.168.210.30:6443",
        );
        assert.equal(
            section("backend apps-https-ovirt-11"),
            "backend apps-https-ovirt-11\n    mode tcp\n    server ovirt11-ingress 192.168.211.32:443",
        );
        assert.equal(
            section("backend apps-http-ovirt-11"),
            "backend apps-http-ovirt-11\n    mode http\n    server ovirt11-ingress 192.168.211.32:80\n",
        );
        assert.equal(
            cfg,
            renderHaproxyConfig(leases([10, 11], scheme), { statsUser: "admin", statsPassword: "Secret123" }),
        );
    });

    it("passes haproxy -c, with parameterised ports and bind address", () => {
        const dir = tmpdir();
        const file = path.join(dir, "haproxy.cfg");
        fs.writeFileSync(
            file,
            renderHaproxyConfig(leases([10, 11, 23], scheme), {
                statsUser: "admin",
                statsPassword: "Secret123",
                bindAddress: "127.0.0.1",
                ports: { api: 16443, https: 10443, http: 10080, stats: 18404 },
                globalLines: [],
            }),
        );
        const r = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        fs.rmSync(dir, { recursive: true });
    });

    it("refuses a stats password that would need quoting", () => {
        assert.throws(
            () => renderHaproxyConfig([], { statsUser: "admin", statsPassword: "a b" }),
            /stats user and password/,
        );
    });
});

describe("NAT and public DNS records", () => {
    it("masquerades each lease subnet via the external NIC (nftables)", () => {
        assert.equal(
            renderNftablesNat(leases([11, 10], scheme), "eth0"),
            `#!/usr/sbin/nft -f
# generated by ovirt-ci (Pulumi) from all leases; do not edit
table ip ovirt_ci_nat
delete table ip ovirt_ci_nat
table ip ovirt_ci_nat {
    chain postrouting {
        type nat hook postrouting priority 100; policy accept;
        oifname "eth0" ip saddr 192.168.210.0/24 masquerade comment "ovirt-10"
        oifname "eth0" ip saddr 192.168.211.0/24 masquerade comment "ovirt-11"
    }
}
`,
        );
    });

    it("renders the same rules for iptables-restore", () => {
        assert.ok(
            renderIptablesNat(leases([10], scheme), "eth0").includes(
                "-A POSTROUTING -s 192.168.210.0/24 -o eth0 -m comment --comment ovirt-10 -j MASQUERADE\nCOMMIT\n",
            ),
        );
    });

    it("points api and *.apps of every lease at the proxy's external address", () => {
        const records = dnsRecords(leases([10, 11], scheme), "203.0.113.10");
        assert.equal(
            renderZoneRecords(records),
            "api.ovirt10.gcp.devcluster.openshift.com. 300 IN A 203.0.113.10\n" +
                "*.apps.ovirt10.gcp.devcluster.openshift.com. 300 IN A 203.0.113.10\n" +
                "api.ovirt11.gcp.devcluster.openshift.com. 300 IN A 203.0.113.10\n" +
                "*.apps.ovirt11.gcp.devcluster.openshift.com. 300 IN A 203.0.113.10\n",
        );
    });
});
