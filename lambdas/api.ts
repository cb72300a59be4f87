import { createApiHandler } from './api/create-api-handler.js';
import { defaultDeps } from './api/deps.js';

/** API Gateway HTTP API (payload 2.0) entry point; route it as `$default` or `ANY /{proxy+}`. */
export const handler = createApiHandler(defaultDeps());
