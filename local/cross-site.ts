import type { IncomingHttpHeaders } from 'node:http';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Bodies a page can send with an HTML form or a no-cors fetch, without a CORS
// preflight. curl's -d sends application/x-www-form-urlencoded, and a form
// percent-encodes that one's JSON away, so it is refused only with a foreign Origin.
const BROWSER_ONLY_TYPES = ['text/plain', 'multipart/form-data'];

/** The origins a page served by this very server would send (by name, not by Host: that one a DNS rebinding sets). */
export function originsOf(host: string, port: number): ReadonlySet<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
  return new Set([...names].map((name) => `http://${name}:${port}`));
}

/**
 * Why a request is a write some web page made the browser send, or undefined.
 * The local API has no authentication, so without this any page open in a
 * browser could append to localhost. Browsers send Origin (and Sec-Fetch-Site)
 * with every POST; curl and the SDK send neither.
 */
export function crossSiteWrite(
  method: string,
  headers: IncomingHttpHeaders,
  ownOrigins: ReadonlySet<string>,
): string | undefined {
  if (READS.has(method.toUpperCase())) return undefined;
  const origin = headers.origin;
  if (origin !== undefined && !ownOrigins.has(origin.toLowerCase())) {
    return `it comes from a web page (Origin ${JSON.stringify(origin.slice(0, 100))})`;
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `the browser marked it ${JSON.stringify(site.slice(0, 40))}`;
  }
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (BROWSER_ONLY_TYPES.includes(type)) {
    return `its content type ${type} is one a web page can send unasked; send application/json`;
  }
  return undefined;
}
