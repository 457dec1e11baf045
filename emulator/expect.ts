/**
 * The `Expect` / `X-Ovirt-Expect` headers, as a real engine deployment answers them.
 *
 * - The engine's REST layer reads expectations from both headers (oVirt/ovirt-engine restapi
 *   …/common/util/ExpectationHelper.java): `201-created` makes an add wait for its asynchronous tasks
 *   (AbstractBackendCollectionResource.expectBlocking), `202-accepted` makes a removal return 202 at once
 *   (BackendResource.expectNonBlocking).
 * - The engine is only reachable through its Apache httpd front, and httpd answers any `Expect` other than
 *   `100-continue` with 417 before the request reaches the engine (apache/httpd server/protocol.c,
 *   "client sent an unrecognized expectation value"); ExpectationHelper's own comment says so, and that is why
 *   `X-Ovirt-Expect` exists. The emulator does the same, so a client that sends `Expect: 201-created` fails here
 *   as it would in production.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** `201-created`: an add waits for its asynchronous tasks. */
export const BLOCKING_EXPECTATION = "201-created";
/** `202-accepted`: a removal answers 202 at once. */
export const NON_BLOCKING_EXPECTATION = "202-accepted";

/** The expectations of a request: the values of `Expect` and `X-Ovirt-Expect`, lower case. */
export function expectations(headers: Record<string, string | string[] | undefined>): Set<string> {
    const out = new Set<string>();
    for (const h of ["expect", "x-ovirt-expect"]) {
        const v = headers[h];
        for (const s of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
            for (const part of s.split(",")) if (part.trim()) out.add(part.trim().toLowerCase());
        }
    }
    return out;
}

/**
 * Node's 'checkExpectation' handler (called for an `Expect` other than 100-continue): httpd's 417 page. `count`
 * records the request in the emulator's statistics.
 */
export function answerUnsupportedExpect(
    req: IncomingMessage,
    res: ServerResponse,
    count: (method: string) => void,
): void {
    count(req.method ?? "GET");
    const expect = String(req.headers.expect ?? "").replace(/[<>&]/g, "");
    const page =
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>417 Expectation Failed</title>\n' +
        "</head><body>\n<h1>Expectation Failed</h1>\n<p>The expectation given in the Expect request-header\n" +
        `field could not be met by this server.\nThe client sent<pre>\n    Expect: ${expect}\n</pre>\n` +
        "Only the 100-continue expectation is supported.</p>\n</body></html>\n";
    res.writeHead(417, {
        "Content-Type": "text/html; charset=iso-8859-1",
        "Content-Length": Buffer.byteLength(page),
        Connection: "close",
    });
    res.end(page);
}
