import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitName } from '@aws-lambda-powertools/metrics/types';
import { apiDefaults } from '../config.js';

/** What the handler needs of a logger; Powertools' Logger is one. */
export type ApiLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What the handler needs of metrics; Powertools' Metrics is one, RecordedMetrics another. */
export interface ApiMetrics {
  addMetric(name: string, unit: MetricUnitName, value: number): void;
  hasStoredMetrics(): boolean;
  publishStoredMetrics(): unknown;
}

export const ApiMetric = {
  /** Events committed by appends (one datapoint per append, the count as value). */
  eventsAppended: 'EventsAppended',
  /** Appends refused with 409 because the stream had moved on. */
  appendConflicts: 'AppendConflicts',
  /** Requests answered 5xx. */
  serverErrors: 'ServerErrors',
} as const;

export { MetricUnit };

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

/** Without a logLevel, Powertools reads POWERTOOLS_LOG_LEVEL / AWS_LAMBDA_LOG_LEVEL (default INFO). */
export function createApiLogger(
  options: { logLevel?: LogLevel; serviceName?: string } = {},
): Logger {
  return new Logger({
    serviceName: options.serviceName ?? apiDefaults.serviceName,
    ...(options.logLevel && { logLevel: options.logLevel }),
  });
}

/** EMF metrics on stdout, as CloudWatch reads them from a Lambda's log. */
export function createApiMetrics(
  options: { namespace?: string; serviceName?: string } = {},
): Metrics {
  return new Metrics({
    // Metrics without a namespace would be refused at publish time.
    namespace: options.namespace ?? apiDefaults.metricsNamespace,
    serviceName: options.serviceName ?? apiDefaults.serviceName,
  });
}

/**
 * Metrics kept in memory instead of printed: the local runtime serves many
 * requests at once from one process, where EMF lines on stdout would only be noise.
 * Tests read the totals.
 */
export class RecordedMetrics implements ApiMetrics {
  readonly totals = new Map<string, number>();
  #pending = 0;

  addMetric(name: string, _unit: MetricUnitName, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
    this.#pending++;
  }

  hasStoredMetrics(): boolean {
    return this.#pending > 0;
  }

  publishStoredMetrics(): void {
    this.#pending = 0;
  }
}
