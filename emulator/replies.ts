/**
 * The replies every route of the emulator builds the same way: a request's body as an object, 200 with a
 * representation, 201 with the created entity and its href in `Location` (restapi
 * AbstractBackendCollectionResource.performCreate: `Response.created(URI.create(model.getHref()))`,
 * oVirt/ovirt-engine at 0111fc6).
 */
import type { ApiRequest, ApiResponse } from "./api";
import { inputValidation } from "./model/errors";
import { Obj, isObj } from "./model/input";
import { Collection, Node, NodeObject } from "./representation/tree";

/** The request's body; an absent body is `{}`. */
export function body(r: ApiRequest): Obj {
    if (r.body === undefined || r.body === null || r.body === "") return {};
    if (!isObj(r.body)) throw inputValidation("The request body must be a JSON object.");
    return r.body;
}

/** 200 with a representation. */
export function ok(b: Node | Collection): ApiResponse {
    return { status: 200, body: b };
}

/** 201 with the created entity and its address in `Location`. */
export function created(r: ApiRequest, b: NodeObject): ApiResponse {
    const href = String(b.href);
    return { status: 201, body: b, headers: { Location: `${r.origin}${href}` } };
}
