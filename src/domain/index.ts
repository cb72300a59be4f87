export * from './bank-account.js';
export { type DomainRegistry, registry } from './registry.js';
