/**
 * The app's modules, bound at bundling time: the CDK construct aliases these
 * specifiers to the files it is given (esbuild `--alias`), or to
 * `no-app-modules` when it is given none. The entries check what they get.
 */
declare module 'dynamo-event-store-app/projections' {
  export const projections: unknown;
}
declare module 'dynamo-event-store-app/aggregates' {
  export const aggregates: unknown;
}
declare module 'dynamo-event-store-app/events' {
  export const events: unknown;
}
