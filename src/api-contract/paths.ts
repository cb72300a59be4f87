/**
 * Which names (stream ids, projection keys) the API takes in the path and
 * which in the query: the handler refuses the ones below in the path, and the
 * client sends them in the query by itself.
 */
/**
 * Why a value cannot travel as a `{name+}` path parameter, or undefined when
 * it can. HTTP API decodes `%3F` and `%23` and then cuts the path there;
 * clients resolve `.` and `..` segments (even encoded) before sending; and an
 * empty segment cannot be told apart from a route's own slashes. Such values
 * go in the query string instead.
 */
export function whyNotInPath(value: string): string | undefined {
  if (/[?#]/.test(value)) return "it contains '?' or '#', which end a path";
  const segments = value.split('/');
  if (segments.includes('')) return "it has an empty segment (a leading, trailing or double '/')";
  if (segments.some((s) => s === '.' || s === '..')) {
    return "it has a '.' or '..' segment, which HTTP clients resolve away";
  }
  return undefined;
}
