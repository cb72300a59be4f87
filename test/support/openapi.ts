import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { apiRoutes, openApiJson } from '../../lambdas/api/api-routes.js';
import { matchRoute } from '../../lambdas/api/router.js';

/** The document the handler serves, as `npm run openapi` writes it. */
export const openApiDocument = JSON.parse(openApiJson()) as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openApiDocument, 'openapi.json');
const compiled = new Map<string, ValidateFunction>();

const pointer = (parts: string[]): string =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** The document's path template of a request, found the way the handler routes it. */
export function documentedPath(method: string, decodedPath: string): string | undefined {
  try {
    return matchRoute(apiRoutes, method, decodedPath).route.path.replace(/\{(\w+)\+\}/g, '{$1}');
  } catch {
    return undefined;
  }
}

/**
 * Checks one answer of the API against the document: its status must be
 * listed for the route and its body must match that status's schema.
 * Answers to paths no route takes are checked against RouteNotFound and
 * MethodNotAllowed's bodies. Returns the problems (none: an empty list).
 */
export function answerProblems(
  method: string,
  url: string,
  status: number,
  body: unknown,
): string[] {
  const path = decodeURIComponent(new URL(url).pathname);
  const template = documentedPath(method, path);
  let ref: string;
  if (template === undefined) {
    const name = status === 405 ? 'MethodNotAllowedBody' : 'RouteNotFoundBody';
    ref = `openapi.json#/${pointer(['components', 'schemas', name])}`;
  } else {
    const responses = openApiDocument.paths[template]?.[method.toLowerCase()]?.responses ?? {};
    if (!(String(status) in responses)) {
      return [`${method} ${template} answered ${status}, which the document does not list`];
    }
    ref = `openapi.json#/${pointer(['paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'])}`;
  }
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${method} ${template ?? path} ${status}: ${e.instancePath || '(body)'} ${e.message}`,
  );
}
