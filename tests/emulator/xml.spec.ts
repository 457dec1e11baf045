import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import * as https from "node:https";
import type { AxiosInstance } from "axios";
import { XMLParser } from "fast-xml-parser";
import type { RunningEngine } from "../../emulator";
import { SEED, agent, api, start } from "./helpers";

interface Reply {
    status: number;
    headers: IncomingHttpHeaders;
    data: string;
}

/** Parses a response the way a strict reader does: attributes kept apart (`@_id`), every value a string. */
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML of arbitrary shape, read by path in assertions
const xml = (r: Reply) => parser.parse(String(r.data)) as Record<string, any>;

describe("emulator: XML and content negotiation (engine restapi, Python SDK)", () => {
    let e: RunningEngine;
    let json: AxiosInstance;
    /** Bearer token and only the given headers (axios would add its own `Accept`): what a bare client gets. */
    let bare: (method: string, path: string, body?: string, headers?: Record<string, string>) => Promise<Reply>;
    before(async () => {
        e = await start({ latency: "fast" });
        json = await api(e);
        const auth = String(json.defaults.headers.Authorization);
        bare = (method, path, body, headers = {}) =>
            new Promise<Reply>((resolve, reject) => {
                const req = https.request(
                    `${e.apiUrl}${path}`,
                    {
                        method,
                        agent: agent(e),
                        headers: {
                            Authorization: auth,
                            ...(body ? { "Content-Type": "application/xml" } : {}),
                            ...headers,
                        },
                    },
                    (res) => {
                        let data = "";
                        res.setEncoding("utf8")
                            .on("data", (d: string) => {
                                data += d;
                            })
                            .on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, data }));
                    },
                );
                req.on("error", reject);
                req.end(body);
            });
    });
    after(async () => e.stop());

    it("answers XML without Accept and for */*, JSON when preferred, 406 when neither is acceptable", async () => {
        const none = await bare("GET", "/datacenters");
        assert.equal(none.status, 200);
        assert.match(String(none.headers["content-type"]), /^application\/xml/);
        assert.match(none.data, /^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>\n<data_centers>/);
        const star = await bare("GET", "/datacenters", undefined, { Accept: "*/*" });
        assert.match(String(star.headers["content-type"]), /^application\/xml/);
        const axiosDefault = await bare("GET", "/datacenters", undefined, {
            Accept: "application/json, text/plain, */*",
        });
        assert.match(String(axiosDefault.headers["content-type"]), /^application\/json/);
        const weighted = await bare("GET", "/datacenters", undefined, {
            Accept: "application/json;q=0.5, application/xml",
        });
        assert.match(String(weighted.headers["content-type"]), /^application\/xml/);
        assert.equal((await bare("GET", "/datacenters", undefined, { Accept: "text/plain" })).status, 406);
    });

    it("writes id and href as attributes, links as <link rel href/>, booleans and integers as text", async () => {
        const dc = xml(await bare("GET", `/datacenters/${SEED.ciDc}`)).data_center;
        assert.equal(dc["@_id"], SEED.ciDc);
        assert.equal(dc["@_href"], `/ovirt-engine/api/datacenters/${SEED.ciDc}`);
        assert.equal(dc.local, "false");
        assert.equal(dc.version.major, "4");
        assert.ok(
            dc.link.some((l: Record<string, string>) => l["@_rel"] === "clusters" && l["@_href"].endsWith("/clusters")),
        );
        assert.ok(dc.actions.link.some((l: Record<string, string>) => l["@_rel"] === "setmaster"));
        assert.equal(dc.supported_versions.version.length, 6);
    });

    it('writes an empty string as <a></a> (the SDK reads it as ""; <a/> would be None) and a host\'s power management', async () => {
        const hosts = await bare("GET", "/hosts");
        assert.match(
            hosts.data,
            /<custom_kernel_cmdline><\/custom_kernel_cmdline>/,
            "the host's os.custom_kernel_cmdline, empty",
        );
        assert.doesNotMatch(hosts.data, /<custom_kernel_cmdline\/>/);
        const host = [xml(hosts).hosts.host].flat()[0];
        assert.deepEqual(host.power_management, {
            automatic_pm_enabled: "true",
            enabled: "false",
            kdump_detection: "true",
        });
        assert.match((await bare("GET", "/vms")).data, /<vms\/>/, "an empty collection is still <vms/>");
    });

    it("names roots by the api model: api, collections, sub-collections, provider networks", async () => {
        const rootDoc = xml(await bare("GET", ""));
        assert.ok(rootDoc.api.product_info);
        assert.match(rootDoc.api.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "xs:dateTime as JAXB prints it");
        assert.ok(xml(await bare("GET", `/clusters/${SEED.ciCluster}/networks`)).networks);
        assert.ok(xml(await bare("GET", `/datacenters/${SEED.ciDc}/storagedomains/${SEED.nfs}`)).storage_domain);
        assert.ok(
            xml(await bare("GET", `/openstacknetworkproviders/${SEED.ovn}/networks`)).openstack_networks !== undefined,
        );
        assert.equal(xml(await bare("GET", "/vms")).vms, "", "an empty collection is an empty element");
    });

    it("reads XML bodies, answers 201 with Location, writes faults and removal results", async () => {
        const add = await bare(
            "POST",
            "/tags",
            '<tag><name>xml-tag</name><description>a&lt;b &amp; "c"</description></tag>',
        );
        assert.equal(add.status, 201);
        assert.match(
            add.data,
            /<description>a&lt;b &amp; &quot;c&quot;<\/description>/,
            "special characters escaped on the way out",
        );
        const tag = xml(add).tag;
        assert.equal(tag.name, "xml-tag");
        assert.equal(
            e.server.model.state.tags.find((t) => t.name === "xml-tag")?.description,
            'a<b & "c"',
            "and read unescaped",
        );
        assert.equal(add.headers.location, `${e.url}${tag["@_href"]}`);
        const dup = await bare("POST", "/tags", "<tag><name>xml-tag</name></tag>");
        assert.equal(dup.status, 409);
        assert.equal(xml(dup).fault.detail, "[The specified Tag name already exists.]");
        assert.equal(xml(dup).fault.reason, "Operation Failed");
        const del = await bare("DELETE", `/tags/${tag["@_id"]}`);
        assert.equal(del.status, 200);
        assert.equal(xml(del).action.status, "complete");
        assert.equal((await bare("GET", `/tags/${tag["@_id"]}`)).status, 404);
    });

    it("refuses malformed XML and DTDs with the engine's usage fault", async () => {
        for (const body of [
            "<tag><name>x</name>",
            '<!DOCTYPE tag [<!ENTITY x SYSTEM "file:///etc/passwd">]><tag><name>&x;</name></tag>',
        ]) {
            const r = await bare("POST", "/tags", body);
            assert.equal(r.status, 400);
            assert.equal(xml(r).fault.reason, "Request syntactically incorrect.");
        }
    });

    it("answers Expect: 201-created with httpd's 417 and does nothing, as the engine's Apache front does", async () => {
        const before = (await json.get("/tags")).data.tag.length;
        const r = await bare("POST", "/tags", "<tag><name>expect-tag</name></tag>", { Expect: "201-created" });
        assert.equal(r.status, 417);
        assert.match(r.data, /Only the 100-continue expectation is supported/);
        assert.equal((await json.get("/tags")).data.tag.length, before);
    });

    it("X-Ovirt-Expect: 201-created makes an add wait for its disks; 202-accepted makes a removal answer 202", async () => {
        const body = `<vm><name>expect-vm</name><cluster id="${SEED.ciCluster}"/><template id="${SEED.proxyTemplate}"/></vm>`;
        const plain = await bare("POST", "/vms", body.replace("expect-vm", "plain-vm"));
        assert.equal(plain.status, 201);
        assert.equal(xml(plain).vm.status, "image_locked");
        const waited = await bare("POST", "/vms", body, { "X-Ovirt-Expect": "201-created" });
        assert.equal(waited.status, 201);
        assert.equal(xml(waited).vm.status, "down");
        const gone = await bare("DELETE", `/vms/${xml(waited).vm["@_id"]}`, undefined, {
            "X-Ovirt-Expect": "202-accepted",
        });
        assert.equal(gone.status, 202);
    });
});
