/**
 * Content negotiation and body reading, as the engine does them.
 *
 * Every engine resource declares `@Produces({APPLICATION_XML, APPLICATION_JSON})` (oVirt/ovirt-engine
 * restapi/interface/definition …/resource/*.java), so JAX-RS picks XML when the client sends no `Accept`, `*` / `*`
 * or ranks both equally, JSON only when the client prefers it, and 406 when it accepts neither. Request bodies are
 * read by the provider for their `Content-Type` (JAXBProvider `@Consumes(APPLICATION_XML)`, JSONProvider
 * `@Consumes(APPLICATION_JSON)`).
 */
import Negotiator from "negotiator";
import { JSON_CONTENT_TYPE, serialize } from "./json";
import { Collection, Node } from "./tree";
import { XML_CONTENT_TYPE, collectionToXml, fromXmlDocument, toXml } from "./xml";

export type Format = "xml" | "json";

/** In the order of the engine's `@Produces`: the first one wins a tie. */
const PRODUCED: ReadonlyArray<[string, Format]> = [
    [XML_CONTENT_TYPE, "xml"],
    [JSON_CONTENT_TYPE, "json"],
];

/** The response format for an `Accept` header, or `undefined` when the client accepts neither (406). */
export function responseFormat(accept: string | undefined): Format | undefined {
    const chosen = new Negotiator({
        headers: { accept: accept === undefined || accept.trim() === "" ? "*/*" : accept },
    }).mediaType(PRODUCED.map(([t]) => t));
    return PRODUCED.find(([t]) => t === chosen)?.[1];
}

/** The format of a request body: by `Content-Type`; without one, by its first character. */
export function requestFormat(contentType: string | undefined, body: string): Format | undefined {
    if (contentType) {
        if (/^\s*(application|text)\/([\w.+-]+\+)?xml\b/i.test(contentType)) return "xml";
        if (/^\s*application\/([\w.+-]+\+)?json\b/i.test(contentType)) return "json";
        return undefined;
    }
    return body.trimStart().startsWith("<") ? "xml" : "json";
}

/** Parses a request body of the given format into the JSON-shaped object the model reads (and XML's root element). */
export function readBody(format: Format, body: string): { root?: string; body: unknown } {
    return format === "xml" ? fromXmlDocument(body) : { body: JSON.parse(body) as unknown };
}

/** A response document: `root` names the XML root element (JSON has none). */
export function render(format: Format, root: string, body: Node | Collection): { contentType: string; text: string } {
    if (format === "json") return { contentType: JSON_CONTENT_TYPE, text: serialize(body) };
    return {
        contentType: XML_CONTENT_TYPE,
        text: body instanceof Collection ? collectionToXml(body) : toXml(root, body),
    };
}
