/** What a deployment without projections or aggregates of its own bundles in their place. */
export const projections: readonly never[] = [];
export const aggregates: readonly never[] = [];
/** No registry: events are read as stored. */
export const events: undefined = undefined;
