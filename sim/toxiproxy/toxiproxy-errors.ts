/**
 * The failures of Toxiproxy's API, one class per kind, each with the HTTP status and the
 * message Toxiproxy 2.12 answers with (its `api.go` error catalogue): the HTTP layer writes
 * `{"error": message, "status": status}`; code embedding {@link ToxiproxyState} catches the
 * class or its stable `code`.
 */

/** A failure of a Toxiproxy operation, answered with `status` and `{"error": message, "status": status}`. */
export abstract class ToxiproxyApiError extends Error {
  /** Stable code of the failure kind. */
  abstract readonly code: string;
  /** The HTTP status Toxiproxy answers with. */
  abstract readonly status: number;
}

/** A body that is not JSON, or has a member of the wrong type (400): `bad request body: <decoder's message>`. */
export class BadRequestBodyError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_BAD_REQUEST_BODY';
  readonly status = 400;
  override readonly name = 'BadRequestBodyError';
  constructor(detail: string) {
    super(`bad request body: ${detail}`);
  }
}

/** A proxy without `name` or `upstream` (400): `missing required field: name` (`… at proxy N` in /populate). */
export class MissingFieldError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_MISSING_FIELD';
  readonly status = 400;
  override readonly name = 'MissingFieldError';
  constructor(field: string) {
    super(`missing required field: ${field}`);
  }
}

/** No proxy by that name (404). */
export class ProxyNotFoundError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_PROXY_NOT_FOUND';
  readonly status = 404;
  override readonly name = 'ProxyNotFoundError';
  constructor() {
    super('proxy not found');
  }
}

/** A proxy by that name exists already (409). */
export class ProxyExistsError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_PROXY_EXISTS';
  readonly status = 409;
  override readonly name = 'ProxyExistsError';
  constructor() {
    super('proxy already exists');
  }
}

/** A toxic's `stream` is neither `upstream` nor `downstream`, in any case (400). */
export class InvalidStreamError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_INVALID_STREAM';
  readonly status = 400;
  override readonly name = 'InvalidStreamError';
  constructor() {
    super('stream was invalid, can be either upstream or downstream');
  }
}

/** A toxic `type` that is not one of the registered kinds, or none (400). */
export class InvalidToxicTypeError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_INVALID_TOXIC_TYPE';
  readonly status = 400;
  override readonly name = 'InvalidToxicTypeError';
  constructor() {
    super('invalid toxic type');
  }
}

/** A toxic by that name exists on the proxy already, in either direction (409). */
export class ToxicExistsError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_TOXIC_EXISTS';
  readonly status = 409;
  override readonly name = 'ToxicExistsError';
  constructor() {
    super('toxic already exists');
  }
}

/** No toxic by that name on the proxy (404). */
export class ToxicNotFoundError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_TOXIC_NOT_FOUND';
  readonly status = 404;
  override readonly name = 'ToxicNotFoundError';
  constructor() {
    super('toxic not found');
  }
}

/**
 * A proxy that cannot listen (500), with the network error as Go words it:
 * `listen tcp 127.0.0.1:3310: bind: address already in use`, `address x: missing port in address`.
 */
export class ProxyListenError extends ToxiproxyApiError {
  readonly code = 'FL_TOXIPROXY_LISTEN';
  readonly status = 500;
  override readonly name = 'ProxyListenError';
}
