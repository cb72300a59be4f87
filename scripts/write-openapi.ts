/** `npm run openapi`: writes the API's OpenAPI document to openapi.json (a test keeps it equal to the generated one). */
import { writeFileSync } from 'node:fs';
import { openApiJson } from '../lambdas/api/api-routes.js';

const file = new URL('../openapi.json', import.meta.url);
writeFileSync(file, openApiJson());
console.log(`wrote ${file.pathname}`);
