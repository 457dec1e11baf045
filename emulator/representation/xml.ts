/**
 * The engine's XML dialect, written from the same format-neutral tree as `json.ts` and read back into the same
 * JSON-shaped objects the model takes, so the model never knows which format a client spoke.
 *
 * Ground truth (oVirt/ovirt-engine 0111fc6, oVirt/python-ovirt-engine-sdk4 8c7e662):
 * - restapi/jaxrs/.../xml/JAXBProvider.java marshals with UTF-8 and formatted output; the root element is the
 *   type's element name from the model's ObjectFactory: `vm`, `data_center`, …, collections `vms`, `data_centers`,
 *   `action` for action results and removals, `fault` for faults, `api` for the root.
 * - `id` and `href` of every identified object and `rel`/`href` of links are XML attributes (api model:
 *   Identified/Link); everything else is an element. The SDK's generated readers (lib/ovirtsdk4/readers.py) read
 *   `id`/`href` with `get_attribute` and all other members as child elements.
 * - restapi/types/.../DateMapper.java maps dates to `XMLGregorianCalendar`, printed as xs:dateTime with
 *   milliseconds and the zone (`2026-12-01T02:40:00.123Z` for UTC); the SDK's `Reader.parse_date` reads exactly that.
 *   JSON keeps epoch milliseconds (json.ts).
 * - Booleans are `true`/`false`, integers and decimals in decimal notation (xs:boolean, xs:int/long, xs:decimal).
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { Collection, Dec, Node, Wrapped } from "./tree";

export const XML_CONTENT_TYPE = "application/xml";

/** Members the engine writes as XML attributes (api model: `Identified.id`, `Base.href`, `Link.rel`). */
const ATTRIBUTES = new Set(["id", "href", "rel"]);

const ATTR = "@_";

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
    [k: string]: XmlValue;
}

function scalar(n: Node): string | undefined {
    if (typeof n === "string") return n;
    if (typeof n === "boolean") return n ? "true" : "false";
    if (typeof n === "number") return String(n);
    if (n instanceof Date) return n.toISOString();
    if (n instanceof Dec) return String(n.value);
    return undefined;
}

/**
 * An empty string is written `<a></a>`, as the engine's XmlWriter does (writeStartElement, writeCharacters(""),
 * writeEndElement: ovirt-engine-api-metamodel runtime/xml/XmlWriter.java); the SDK reads that as "" and `<a/>` as
 * None, and ovirt.ovirt's ovirt_host calls `.split` on the host's os.custom_kernel_cmdline. The builder would suppress
 * it to `<a/>`: the text goes in as this marker and comes out empty.
 */
const EMPTY_TEXT = "\u0001empty\u0001";
const emptyText = (xml: string) => xml.split(EMPTY_TEXT).join("");

/** One tree node as the content of an element (text, or attributes and child elements). */
function content(n: Node): XmlValue {
    const s = scalar(n);
    if (s !== undefined) return s === "" ? EMPTY_TEXT : s;
    if (n instanceof Wrapped) return n.items.length ? { [n.elem]: n.items.map(content) } : "";
    if (Array.isArray(n)) throw new Error("a list must be the value of a named member");
    const out: XmlObject = {};
    for (const [k, v] of Object.entries(n as Record<string, Node | undefined>)) {
        if (v === undefined) continue;
        if (v instanceof Wrapped && v.items.length === 0 && !v.keepEmpty) continue;
        const attr = scalar(v);
        if (ATTRIBUTES.has(k) && attr !== undefined) {
            out[`${ATTR}${k}`] = attr;
            continue;
        }
        out[k] = Array.isArray(v) ? (v as readonly Node[]).map(content) : content(v);
    }
    return out;
}

const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    format: true,
    indentBy: "    ",
    suppressEmptyNode: true,
    processEntities: true,
});

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A whole document: `root` is the element name of the entity (`vm`), `action`, `fault` or `api`. */
export function toXml(root: string, doc: Node): string {
    return DECLARATION + emptyText(builder.build({ [root]: content(doc) }));
}

/** A collection document: `<vms><vm …/>…</vms>`; an empty collection is `<vms/>`. */
export function collectionToXml(c: Collection): string {
    return (
        DECLARATION +
        emptyText(builder.build({ [pluralElement(c.elem)]: c.items.length ? { [c.elem]: c.items.map(content) } : "" }))
    );
}

/**
 * The collection element of an entity element. Every collection the emulator serves is the singular plus `s`
 * (the SDK registers `vms`, `data_centers`, `storage_domains`, `vnic_profiles`, `affinity_groups`,
 * `openstack_networks`, …); the api model's few irregular ones are listed.
 */
export function pluralElement(elem: string): string {
    const irregular: Record<string, string> = { katello_erratum: "katello_errata" };
    return irregular[elem] ?? `${elem}s`;
}

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    processEntities: true,
});

/** Thrown for a body that is not well-formed XML. */
export class XmlSyntaxError extends Error {}

/**
 * A request body in XML → the JSON-shaped object the model reads: the root element is dropped, attributes become
 * members, repeated elements become arrays (a single child stays an object; the model's `wrappedList` takes both),
 * empty elements become "". DTDs and external entities are never resolved (as JAXBProvider configures its parser).
 */
export function fromXml(text: string): unknown {
    return fromXmlDocument(text).body;
}

/** `fromXml`, and the name of the document's root element. */
export function fromXmlDocument(text: string): { root: string; body: unknown } {
    if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError("document type declarations are not allowed");
    let doc: Record<string, unknown>;
    try {
        doc = parser.parse(text, true) as Record<string, unknown>;
    } catch (e) {
        throw new XmlSyntaxError((e as Error).message);
    }
    const roots = Object.keys(doc);
    if (roots.length !== 1) throw new XmlSyntaxError(`expected one root element, found ${roots.length}`);
    const inner = doc[roots[0]];
    return { root: roots[0], body: inner === "" ? {} : inner };
}
